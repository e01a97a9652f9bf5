"""The chat page as a person uses it, through selenium: type, send, wait, click, read what is shown."""

import re
from dataclasses import dataclass
from pathlib import Path

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

ANSWER_TIMEOUT = 60


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    scale: float
    mobile: bool


DESKTOP = Viewport("desktop", 1280, 800, 1, False)
PHONE = Viewport("phone", 390, 844, 2, True)

# What the page highlights: the marks' text, a paragraph break ("\n" in the body) between two marks.
HIGHLIGHTED_JS = "return Array.from(document.querySelectorAll('#article mark.cited')).map(m => m.textContent)"


# Whether a person sees the element: it is what is drawn at the middle of its first line.
IN_VIEW_JS = """
const element = document.querySelector(arguments[0]);
const box = element.getClientRects()[0];
const x = Math.min(box.left + 4, innerWidth - 1), y = box.top + box.height / 2;
return y > 0 && y < innerHeight && element.contains(document.elementFromPoint(x, y));
"""


class ChatPage:
    def __init__(self, driver: WebDriver, base: str, viewport: Viewport) -> None:
        self.driver = driver
        self.base = base
        self.viewport = viewport
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": viewport.scale,
                "mobile": viewport.mobile,
            },
        )
        driver.get(f"{base}/")
        self.wait(lambda d: d.execute_script("return document.documentElement.dataset.ready === 'true'"), 15)
        driver.get_log("browser")  # start the console log afresh

    # -- waiting and finding --

    def wait(self, condition, timeout: float = ANSWER_TIMEOUT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(condition)

    def find(self, css: str, within: WebElement | None = None) -> WebElement:
        return (within or self.driver).find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str, within: WebElement | None = None) -> list[WebElement]:
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    # -- the conversation --

    @property
    def question_box(self) -> WebElement:
        return self.find("#question")

    def type_question(self, question: str) -> None:
        box = self.question_box
        box.click()
        box.send_keys(question)

    def ask(self, question: str) -> WebElement:
        """Type the question, press Enter and wait until its answer has finished (or failed, or stopped)."""
        before = len(self.turns())
        self.type_question(question)
        self.question_box.send_keys(Keys.ENTER)
        return self.wait_settled(before + 1)

    def turns(self) -> list[WebElement]:
        return self.find_all("#transcript > .turn")

    def wait_settled(self, count: int) -> WebElement:
        self.wait(lambda d: len(self.find_all("#transcript > .turn[data-state]")) >= count)
        return self.turns()[count - 1]

    def answer_text(self, turn: WebElement) -> str:
        """The answer as shown: text with the [n] markers' numbers."""
        return self.find(".answer-text", turn).get_attribute("textContent")

    def markers(self, turn: WebElement) -> list[WebElement]:
        return self.find_all(".answer-text button.cite", turn)

    def source(self, turn: WebElement, n: int) -> WebElement:
        """The button for citation n under the answer (opening the folded list of other passages if need be)."""
        for details in self.find_all("details:not([open]) summary", turn):
            details.click()
        return self.find(f".source[data-n='{n}']", turn)

    @property
    def send_button(self) -> WebElement:
        return self.find("#send")

    @property
    def stop_button(self) -> WebElement:
        return self.find("#stop")

    def new_conversation(self) -> None:
        self.find("#new-chat").click()

    # -- the cited article --

    def open_citation(self, button: WebElement, n: int) -> WebElement:
        """Click a marker or source and wait until the article shows citation n; returns the panel."""
        button.click()
        panel = self.find("#article")
        self.wait(lambda d: panel.get_attribute("data-ready") == "true" and panel.get_attribute("data-n") == str(n))
        return panel

    def highlighted(self) -> str:
        return "\n".join(self.driver.execute_script(HIGHLIGHTED_JS))

    def mark_offsets(self) -> tuple[int, int]:
        marks = self.find_all("#article mark.cited")
        return int(marks[0].get_attribute("data-start")), int(marks[-1].get_attribute("data-end"))

    def in_view(self, css: str) -> bool:
        """Whether the start of the first element matching ``css`` can be seen (on screen, not covered)."""
        return self.driver.execute_script(IN_VIEW_JS, css)

    def article_field(self, css: str) -> str:
        return self.find(f"#article {css}").get_attribute("textContent")

    def article_meta(self) -> dict[str, str]:
        rows = self.find_all("#article .article-meta div")
        text = lambda css, row: self.find(css, row).get_attribute("textContent")  # noqa: E731
        return {text("dt", row): text("dd", row) for row in rows}

    # -- the page as a whole --

    def rect(self, element: WebElement) -> dict:
        return self.driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)

    def overflows_sideways(self) -> bool:
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth > innerWidth"
            " || document.getElementById('scroller').scrollWidth > document.getElementById('scroller').clientWidth"
        )

    def requested_urls(self) -> list[str]:
        return self.driver.execute_script(
            "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]"
        )

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def screenshot(self, folder: Path, name: str) -> Path:
        path = folder / f"{name}-{self.viewport.name}.png"
        self.driver.save_screenshot(str(path))
        return path


def without_markers(text: str) -> str:
    return re.sub(r"\[\d+\]", "", text)
