"""Finding labels the browser cuts: a label whose text is wider (or taller) than the box that clips it shows only
its start ("Vaativat huomi…", "Abrechnungsar"), so a reader cannot tell what the control is for.

Measured in the page itself, three ways: an element that hides its overflow (an ellipsis, or overflow hidden or
clip) and whose content is larger than its box; a label sticking out of a container that clips it (a segmented
control's last option, "Positic"); a word broken across two lines because it is wider than the label
("Abrechnungsa" / "rt"). Checked for widget labels, metric labels, tabs, expanders, buttons and the
options of radio buttons, checkboxes, toggles, pills and segmented controls, in the main area and the sidebar.
Dataframe headers are drawn on a canvas and cannot be measured here.
"""

from __future__ import annotations

from typing import Any

LABELS = {
    "widget label": '[data-testid="stWidgetLabel"]',
    "metric label": '[data-testid="stMetricLabel"]',
    "tab": '[data-testid="stTab"], button[role="tab"]',
    "expander": '[data-testid="stExpander"] summary',
    "button": '[data-testid^="stBaseButton"]',
    "option": '[data-testid="stCheckbox"] label, [data-testid="stRadio"] label, '
              '[data-testid="stButtonGroup"] button',
}

_FIND_CUT = r"""
(labels) => {
  const cut = [];
  const visible = (node) => node.getClientRects().length > 0 && node.clientWidth > 0;
  const hides = (value) => ['hidden', 'clip'].includes(value);
  // 1. A box that hides what does not fit (an ellipsis, or plain clipping) and holds more than it shows.
  const overflowing = (element) => {
    for (const node of [element, ...element.querySelectorAll('*')]) {
      // A visually hidden input (1 px, clipped) is how toggles and checkboxes stay accessible: not a label.
      if (!visible(node) || node.clientWidth <= 2 || !(node.innerText || '').trim()) continue;
      const style = getComputedStyle(node);
      if (!(hides(style.overflowX) || hides(style.overflowY) || style.textOverflow === 'ellipsis')) continue;
      if (node.scrollWidth > node.clientWidth + 1) return {box: node.clientWidth, needs: node.scrollWidth};
      if (hides(style.overflowY) && node.scrollHeight > node.clientHeight + 2) {
        return {box: node.clientWidth, needs: node.scrollWidth, how: 'cut below'};
      }
    }
    return null;
  };
  // 2. The label sticks out of a container that clips it ("Positic": a segmented control's last option).
  const clipped = (element) => {
    const rect = element.getBoundingClientRect();
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX === 'visible') continue;
      const outer = box.getBoundingClientRect();
      if (rect.right > outer.right + 1 || rect.left < outer.left - 1) {
        return {box: outer.width, needs: rect.width, how: 'clipped by its container'};
      }
    }
    return null;
  };
  // 3. A word wider than the label, broken across lines ("Abrechnungsa / rt"): a break at a space, a hyphen or a
  //    slash is fine, one inside a word is not.
  const brokenWord = (element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = /[^\s\-\u2010-\u2014\/]+/g;
      for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) return {box: element.clientWidth, needs: range.getBoundingClientRect().width,
                                    how: 'word broken: ' + m[0]};
      }
    }
    return null;
  };
  for (const [kind, selector] of Object.entries(labels)) {
    for (const element of document.querySelectorAll(selector)) {
      if (!visible(element)) continue;
      const text = (element.innerText || element.textContent || '').trim();
      if (!text) continue;
      const found = overflowing(element) || clipped(element) || brokenWord(element);
      if (found) cut.push({kind, text, box: Math.round(found.box), needs: Math.round(found.needs),
                           how: found.how || 'ellipsis or cut'});
    }
  }
  return cut;
}
"""


def cut_labels(page: Any) -> list[dict[str, Any]]:
    """Every label on the page the browser cuts: kind, full text, the box's width and the width it needs."""
    return page.evaluate(_FIND_CUT, LABELS)
