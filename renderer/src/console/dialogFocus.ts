import type { Attachment } from 'svelte/attachments';

const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal's focus: the cursor goes to its first field when it opens (so Enter and typing land in
 * the dialog, never on the button behind it that opened it), Tab cycles inside it, and focus goes
 * back where it was when it closes. In a form, Enter on a select submits it too.
 */
export const dialogFocus: Attachment<HTMLElement> = (box) => {
  const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const items = (): HTMLElement[] => [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
  const first = box.querySelector<HTMLElement>('input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])') ?? items().at(-1);
  first?.focus();
  if (first instanceof HTMLInputElement && first.type !== 'checkbox') first.select();
  const trap = (e: KeyboardEvent): void => {
    // Enter on a select submits like Enter in a text field (a browser only does it for inputs)
    if (e.key === 'Enter' && e.target instanceof HTMLSelectElement && box instanceof HTMLFormElement) {
      e.preventDefault();
      box.requestSubmit();
      return;
    }
    if (e.key !== 'Tab') return;
    const all = items();
    const head = all[0];
    const tail = all.at(-1);
    if (!head || !tail) return;
    const active = document.activeElement;
    if (e.shiftKey && (active === head || !box.contains(active))) { tail.focus(); e.preventDefault(); }
    else if (!e.shiftKey && (active === tail || !box.contains(active))) { head.focus(); e.preventDefault(); }
  };
  // focus that leaves the dialog (a click on the dim backdrop's page behind) is brought back
  const keep = (e: FocusEvent): void => {
    if (e.target instanceof Node && !box.contains(e.target)) (items()[0] ?? box).focus();
  };
  box.addEventListener('keydown', trap);
  document.addEventListener('focusin', keep);
  return () => {
    box.removeEventListener('keydown', trap);
    document.removeEventListener('focusin', keep);
    if (before?.isConnected) before.focus();
  };
};
