// Small DOM helpers. Everything the server sends is put into the page as
// text (textContent, attributes), never parsed as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h builds an element: h("li", {class: "x", "aria-label": "…"}, child…).
 * Children are nodes, strings (as text) or arrays of those; null and
 * false are skipped. Attributes whose value is null, undefined or false are
 * left out; on* attributes take a listener; style takes an object of CSS
 * properties.
 */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** s builds an SVG element, like h. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "style" && typeof v === "object") {
      // Through the CSSOM: the page's policy refuses style attributes.
      for (const [prop, val] of Object.entries(v)) el.style.setProperty(prop, val);
    } else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** replace swaps the children of el for the given ones. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** byId returns the element with the id, which the page must have. */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`board page: no element #${id}`);
  return el;
}
