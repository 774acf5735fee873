// A page object for the studio: finds things by the accessible names of DESIGN.md §6.
import type { Locator, Page } from 'playwright-core'

/** The few browser globals the in-page functions below use (this code is type-checked without DOM types). */
interface InPage {
  document: { querySelector(selector: string): { textContent: string | null } | null }
  DataTransfer: new () => { setData(type: string, value: string): void }
  ClipboardEvent: new (type: string, init: { clipboardData: unknown; bubbles: boolean; cancelable: boolean }) => Event
}

export type RegionName = 'Files' | 'Editor' | 'Configuration' | 'Debugger' | 'Output'

export class StudioPage {
  readonly page: Page
  constructor(page: Page) {
    this.page = page
  }

  region(name: RegionName): Locator {
    return this.page.getByRole('region', { name, exact: true })
  }

  button(name: string, within?: Locator): Locator {
    return (within ?? this.page).getByRole('button', { name, exact: true })
  }

  /** Opens the studio and waits until a file is showing in the editor. */
  async open(url: string): Promise<void> {
    await this.page.goto(url)
    try {
      await this.region('Editor').locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 })
      await this.page.getByRole('tab', { selected: true }).waitFor()
    } catch (error) {
      const status = await this.page.locator('.statusbar').innerText().catch(() => '(no status bar)')
      throw new Error(`The studio did not show a file after opening. Status bar: ${status}`, { cause: error })
    }
  }

  get editor(): Locator {
    return this.region('Editor').locator('.monaco-editor').first()
  }

  activeTab(): Locator {
    return this.page.getByRole('tab', { selected: true })
  }

  /** Waits until the tab of `fileName` is the selected one. */
  async waitForActiveFile(fileName: string): Promise<void> {
    await this.page.getByRole('tab', { selected: true, name: new RegExp(`^${fileName.replace('.', '\\.')}\\b`) }).waitFor()
  }

  /** Clicks a plugin (by its display name) in the Files pane. */
  async selectPlugin(name: string): Promise<void> {
    await this.button(name, this.region('Files')).click()
  }

  /** Opens a file of the selected plugin (its name, plus " unsaved" while it has unsaved edits). */
  async openFile(fileName: string): Promise<void> {
    const name = new RegExp(`^${fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( unsaved)?$`)
    await this.region('Files').locator('.plugin-item.selected').getByRole('button', { name }).first().click()
    await this.waitForActiveFile(fileName)
  }

  /** Replaces the whole text of the file in the editor by select-all and paste (typing would auto-close brackets). */
  async replaceText(text: string): Promise<void> {
    await this.editor.locator('.view-lines').click()
    await this.page.keyboard.press('ControlOrMeta+A')
    await this.editor.locator('textarea.inputarea, .native-edit-context').first().evaluate((target, pasted) => {
      const page = globalThis as unknown as InPage
      const data = new page.DataTransfer()
      data.setData('text/plain', pasted)
      target.dispatchEvent(new page.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, text)
    await this.page.waitForFunction(
      (expected) =>
        (globalThis as unknown as InPage).document
          .querySelector('[aria-label="Editor"] .monaco-editor .view-lines')
          ?.textContent?.replace(/\u00a0/g, ' ')
          .includes(expected),
      text.split('\n')[0],
    )
  }

  /** The editor's visible text, lines joined with \n (Monaco renders spaces as U+00A0). */
  async visibleText(): Promise<string> {
    const lines = await this.editor.locator('.view-lines .view-line').evaluateAll((nodes) =>
      nodes
        .map((node) => ({ top: parseFloat((node as unknown as { style: { top: string } }).style.top) || 0, text: node.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    )
    return lines.join('\n').replace(/\u00a0/g, ' ')
  }

  /** Waits until the cursor is on `line`. */
  async waitForCursorLine(line: number): Promise<void> {
    await this.page.waitForFunction(
      (expected) => (globalThis as unknown as InPage).document.querySelector('.line-numbers.active-line-number')?.textContent === String(expected),
      line,
    )
  }

  /** The line number the cursor is on. */
  async cursorLine(): Promise<number> {
    const text = await this.editor.locator('.line-numbers.active-line-number').first().textContent()
    return Number(text)
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+S')
  }

  output(): Locator {
    return this.region('Output')
  }

  /** The verdict of the shown run ("Processed", "Dropped…", "Error…"). */
  verdict(): Locator {
    return this.output().getByTestId('run-verdict')
  }

  diffRow(property: string): Locator {
    return this.output().getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: property }) })
  }

  errorMarkers(): Locator {
    return this.editor.locator('.squiggly-error')
  }
}
