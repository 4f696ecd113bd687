/**
 * Puts text on the clipboard; rejects when the browser refuses. The clipboard API exists only
 * in a secure context: a self-hosted instance served over plain http has none, and there the
 * older copy command (allowed during the person's click) does it.
 */
export async function writeToClipboard(text: string): Promise<void> {
  if (window.isSecureContext && navigator.clipboard) return navigator.clipboard.writeText(text)
  const field = document.createElement('textarea')
  field.value = text
  field.setAttribute('readonly', '')
  field.style.cssText = 'position:fixed;opacity:0'
  document.body.append(field)
  field.select()
  const copied = document.execCommand('copy')
  field.remove()
  if (!copied) throw new Error('copy refused')
}
