// Building the page's elements. Text always goes in as text nodes (or
// textContent), never as markup: names, titles and variables come from
// people and must not be able to inject HTML.

// h('a', { href: '#/hop-thu', class: 'x', onclick: fn }, 'text', child, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = value;
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      el[name] = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A table with a caption and column headers; rows are arrays of cells (a
// cell is text, a Node, or an array of them).
export function table(caption, headers, rows, attrs = {}) {
  const tbody = h('tbody', null, rows.map((cells) => row(cells)));
  return h('table', attrs,
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))),
    tbody);
}

export function row(cells) {
  return h('tr', null, cells.map((c) => h('td', null, c)));
}

// A section of a page under its heading (h2), named by it.
export function section(title, ...content) {
  const id = uniqueId('muc');
  return h('section', { class: 'muc', 'aria-labelledby': id },
    h('h2', { id }, title), ...content);
}

let counter = 0;
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
