// Form boxes for a workflow's fields. A workflow names the fields of its
// start variables and payloads once (Workflow.fields: a title and a kind,
// docs/lua.md "Fields"); each box fits its kind and gives back a value of
// that kind: a date picker sends "2026-02-10", a list box one item per line
// as a list, a number box a number. A field the workflow does not describe
// is a line of text (a paragraph for the few the console knows as prose).

import { h, uniqueId } from './dom.js';
import { fieldLabel, isLongText } from './format.js';

// name -> { title, kind } for the fields `workflow` describes.
export function fieldSpecs(workflow) {
  return new Map((workflow?.fields ?? []).map((f) => [f.name, {
    title: f.title || '',
    kind: f.kind || 'FIELD_KIND_TEXT',
  }]));
}

// How an official reads field `name`: its title in the workflow, else a
// label the console knows, else the name as words.
export function fieldTitle(specs, name) {
  return specs?.get(name)?.title || fieldLabel(name);
}

// A whole number as typed ("2026"), without a leading zero (an identity
// number "027090001234" stays text): for a field no workflow describes.
function guessedValue(text) {
  return /^(0|[1-9]\d{0,14})$/.test(text) ? Number(text) : text;
}

function control(kind, attrs, name) {
  switch (kind) {
    case 'FIELD_KIND_LONG_TEXT':
      return h('textarea', { ...attrs, rows: 4 });
    case 'FIELD_KIND_INTEGER':
      return h('input', { ...attrs, type: 'number', step: '1', inputmode: 'numeric' });
    case 'FIELD_KIND_NUMBER':
      return h('input', { ...attrs, type: 'number', step: 'any', inputmode: 'decimal' });
    case 'FIELD_KIND_DATE':
      return h('input', { ...attrs, type: 'date' });
    case 'FIELD_KIND_LIST':
      return h('textarea', { ...attrs, rows: 4, spellcheck: 'false' });
    case 'FIELD_KIND_BOOLEAN':
      return h('select', attrs,
        h('option', { value: '' }, '— Chọn —'),
        h('option', { value: 'true' }, 'Có'),
        h('option', { value: 'false' }, 'Không'));
    default:
      return isLongText(name) && !kind
        ? h('textarea', { ...attrs, rows: 4 })
        : h('input', { ...attrs, type: 'text' });
  }
}

const HINTS = {
  FIELD_KIND_LIST: 'Mỗi dòng một mục.',
  FIELD_KIND_DATE: 'Chọn ngày, hoặc gõ theo dạng của trình duyệt.',
};

// The box of field `name` (spec: from fieldSpecs, or undefined), with its
// label and, for a list or a date, a hint. `required` marks the label;
// `guessNumbers`: a field no workflow describes sends a whole number as a
// number (the start form, as before workflows described their fields).
// { name, control, wrap, value(), problem() }: value() is undefined for an
// empty box; problem() is a message when the box holds what its kind
// cannot take (a number box the browser could not read).
export function fieldInput(name, spec, { required = true, guessNumbers = false, idPrefix = 'truong' } = {}) {
  const id = uniqueId(`${idPrefix}-${name}`);
  const kind = spec?.kind;
  const hint = HINTS[kind];
  const hintId = hint ? uniqueId('goi-y') : null;
  const box = control(kind, { id, name, dataset: { field: name }, 'aria-describedby': hintId }, name);
  const title = spec?.title || fieldLabel(name);
  const wrap = h('div', { class: 'truong' },
    h('label', { for: id }, title, required ? h('span', { class: 'bat-buoc' }, ' (bắt buộc)') : null),
    box,
    hint ? h('p', { id: hintId, class: 'goi-y' }, hint) : null);
  return {
    name,
    control: box,
    wrap,
    problem() {
      if (box.validity?.badInput) {
        return kind === 'FIELD_KIND_DATE'
          ? `«${title}» phải là một ngày có thật.`
          : `«${title}» phải là một số.`;
      }
      return '';
    },
    value() {
      const text = box.value.trim();
      if (text === '') return undefined;
      switch (kind) {
        case 'FIELD_KIND_INTEGER':
        case 'FIELD_KIND_NUMBER':
          return Number(text);
        case 'FIELD_KIND_LIST': {
          const items = text.split('\n').map((s) => s.trim()).filter((s) => s !== '');
          return items.length ? items : undefined;
        }
        case 'FIELD_KIND_BOOLEAN':
          return text === 'true';
        case undefined:
          return guessNumbers ? guessedValue(text) : text;
        default:
          return text;
      }
    },
  };
}

// The values of `inputs` that were filled in, by name; the first problem
// found, if any, instead (marked on its box).
export function collectValues(inputs) {
  const values = {};
  for (const input of inputs) {
    input.control.removeAttribute('aria-invalid');
    const problem = input.problem();
    if (problem) {
      input.control.setAttribute('aria-invalid', 'true');
      return { problem, input };
    }
    const value = input.value();
    if (value !== undefined) values[input.name] = value;
  }
  return { values };
}
