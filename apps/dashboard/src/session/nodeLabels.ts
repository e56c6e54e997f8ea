// What a recorded element said on screen, for the event list ("Click on
// 'Add to cart'"): an index of rrweb's serialized nodes (full snapshots and
// added subtrees) by id, with labels worked out only for the nodes asked about.

// rrweb-snapshot NodeType
const kElement = 2;
const kText = 3;

export interface SerializedNode {
  type: number;
  id: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
  textContent?: string;
}

const maxLabel = 60;
const skipText = new Set(['script', 'style', 'noscript', 'template']);

function collapse(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxLabel ? `${flat.slice(0, maxLabel - 1)}…` : flat;
}

function textOf(node: SerializedNode, out: string[], budget: {left: number}): void {
  if (budget.left <= 0) return;
  if (node.type === kText && node.textContent) {
    out.push(node.textContent);
    budget.left -= node.textContent.length;
    return;
  }
  if (node.type === kElement && skipText.has(node.tagName ?? '')) return;
  node.childNodes?.forEach((child) => textOf(child, out, budget));
}

const attr = (node: SerializedNode, name: string): string => {
  const value = node.attributes?.[name];
  return typeof value === 'string' ? value : '';
};

// `tag#id.class` of an element, the fallback when it shows no text.
export function selectorOf(node: SerializedNode): string {
  const id = attr(node, 'id');
  const cls = attr(node, 'class').trim().split(/\s+/)[0];
  return `${node.tagName ?? 'node'}${id ? `#${id}` : cls ? `.${cls}` : ''}`;
}

export class NodeLabels {
  private readonly nodes = new Map<number, SerializedNode>();

  // Indexes a serialized subtree (a full snapshot's document, a mutation's added node).
  add(node: SerializedNode): void {
    const stack = [node];
    while (stack.length) {
      const current = stack.pop()!;
      if (current.type === kElement) this.nodes.set(current.id, current);
      if (current.childNodes) for (const child of current.childNodes) stack.push(child);
    }
  }

  // What a user saw on the element: its accessible name or text, else its selector.
  label(id: number): string {
    const node = this.nodes.get(id);
    if (!node) return '';
    const named = attr(node, 'aria-label') || attr(node, 'alt') || attr(node, 'title');
    if (named) return collapse(named);
    const parts: string[] = [];
    textOf(node, parts, {left: maxLabel * 4});
    const text = collapse(parts.join(' '));
    if (text) return text;
    const type = attr(node, 'type');
    if (node.tagName === 'input' && (type === 'submit' || type === 'button')) return collapse(attr(node, 'value'));
    return selectorOf(node);
  }

  // A form field, named without its value (input values are never shown).
  field(id: number): string {
    const node = this.nodes.get(id);
    if (!node) return 'a field';
    const name = attr(node, 'aria-label') || attr(node, 'placeholder') || attr(node, 'name');
    return name ? collapse(name) : selectorOf(node);
  }
}
