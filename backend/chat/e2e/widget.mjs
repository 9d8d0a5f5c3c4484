// Drives the chat widget in headless Chromium for TestWidgetInBrowser (backend/chat).
// Usage: node widget.mjs BASE_URL. It talks to the Go test in lines: it prints a step name
// (and data) on stdout when the browser reached it, and reads the Go side's answer on stdin.
import { chromium } from "playwright-core";
import readline from "node:readline";

const base = process.argv[2];
if (!base) throw new Error("usage: node widget.mjs BASE_URL");
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (...parts) => console.log(parts.join(" "));
async function heard(want) {
  const { value, done } = await lines.next();
  if (done || value.trim() !== want) throw new Error(`expected ${want} from the test, got ${done ? "EOF" : value}`);
}
// A 1x1 PNG.
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(20000);
  page.on("console", (m) => console.error("page:", m.text()));
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(base + "/chat/?flowId=queue");
  await page.getByTestId("parley-chat-button").click();
  await page.getByTestId("parley-name").fill("Robin");
  await page.getByTestId("parley-start").click();
  const stored = () => JSON.parse(localStorage.getItem("parley-chat:" + location.origin) || "null");
  const contactId = await (await page.waitForFunction(`(${stored})()?.lastId > 0 && (${stored})().contactId`)).jsonValue();
  say("STARTED", contactId);

  await heard("ACCEPTED");
  await page.getByText("Hello Robin, Ann here.").waitFor();
  await page.getByTestId("parley-input").fill("I have a question.");
  await page.getByTestId("parley-send").click();
  await page.locator('.parley-msg[data-id]', { hasText: "I have a question." }).waitFor();
  say("SENT");

  await heard("TYPING");
  await page.getByTestId("parley-typing").getByText("ann is typing").waitFor();
  await page.getByTestId("parley-file").setInputFiles({ name: "pixel.png", mimeType: "image/png", buffer: png });
  await page.getByTestId("parley-attachment").getByText("pixel.png").waitFor();
  say("ATTACHED");

  await heard("MORE");
  await page.getByText("One more thing.").waitFor();
  const before = await (await page.waitForFunction(`(${stored})().lastId`)).jsonValue();
  await page.reload();
  await page.getByText("One more thing.").waitFor(); // restored from storage
  say("RELOADED", before);

  await heard("AFTER");
  await page.getByText("Welcome back.").waitFor(); // resumed after the last ID
  const ids = await page.evaluate(() => [...document.querySelectorAll("[data-testid=parley-messages] [data-id]")].map((e) => Number(e.dataset.id)));
  if (new Set(ids).size !== ids.length) throw new Error("items shown twice: " + ids.join(","));
  for (let i = 1; i < ids.length; i++) if (ids[i] <= ids[i - 1]) throw new Error("items out of order: " + ids.join(","));
  if ((await page.getByText("Hello Robin, Ann here.").count()) !== 1) throw new Error("the agent's greeting is not shown exactly once");
  await page.getByTestId("parley-input").fill("Thanks, bye!");
  await page.getByTestId("parley-input").press("Enter");
  say("BYE");

  await heard("ENDED");
  await page.getByText("The chat has ended").waitFor();
  await page.getByTestId("parley-end").getByText("New chat").waitFor();
  say("DONE");
} finally {
  await browser.close();
}
