// A small element builder: text children are text nodes, so nothing the API says is parsed as HTML.
type Child = Node | string | null | false | undefined;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** The element `selector` names inside `root`; a missing one is a page bug, said loudly. */
export function must<T extends Element>(root: ParentNode, selector: string, type: new () => T): T {
  const found = root.querySelector(selector);
  if (!(found instanceof type)) throw new Error(`the page has no ${selector}`);
  return found;
}

/** The button a click landed on (or inside), with `selector`. */
export function clicked(event: Event, selector: string): HTMLButtonElement | null {
  const target = event.target instanceof Element ? event.target.closest(selector) : null;
  return target instanceof HTMLButtonElement ? target : null;
}
