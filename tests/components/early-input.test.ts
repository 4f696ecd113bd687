import { afterEach, describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent, h, reactive, vModelCheckbox, vModelText, withDirectives } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createVuetify } from 'vuetify'
import { VTextField } from 'vuetify/components'
import { EARLY_ACTIONS_GUARD, EARLY_ACTIONS_RELEASE, keepEarlyInput, type EarlyAction } from '~~/utils/early-input'

// The mechanism against Vue's real hydration: the server renders a form, the "person"
// changes its fields in the DOM (as typing does before any script runs), then the client
// app hydrates it, with and without `keepEarlyInput` (docs/ui.md, "Early input survives
// hydration").

function makeForm() {
  const state = reactive({ name: '', secret: '', note: '', agree: false, login: '', pressed: 0 })
  const Form = defineComponent({
    render: () => h('form', [
      withDirectives(h('input', { 'id': 'name', 'onUpdate:modelValue': (value: string) => (state.name = value) }), [[vModelText, state.name]]),
      withDirectives(h('input', { 'id': 'secret', 'type': 'password', 'onUpdate:modelValue': (value: string) => (state.secret = value) }), [[vModelText, state.secret]]),
      withDirectives(h('textarea', { 'id': 'note', 'onUpdate:modelValue': (value: string) => (state.note = value) }), [[vModelText, state.note]]),
      withDirectives(h('input', { 'id': 'agree', 'type': 'checkbox', 'onUpdate:modelValue': (value: boolean) => (state.agree = value) }), [[vModelCheckbox, state.agree]]),
      h(VTextField, { 'label': 'Login', 'rules': [(value: string) => !!value || 'Enter your login'], 'modelValue': state.login, 'onUpdate:modelValue': (value: string) => (state.login = value) }),
      h('button', { type: 'button', id: 'press', onClick: () => state.pressed++ }, 'Press'),
    ]),
  })
  return { Form, state }
}

async function serverRender() {
  const { Form } = makeForm()
  const app = createSSRApp(Form).use(createVuetify({ ssr: true }))
  const root = document.createElement('div')
  root.innerHTML = await renderToString(app)
  document.body.append(root)
  return root
}

function hydrate(root: HTMLElement) {
  const { Form, state } = makeForm()
  createSSRApp(Form).use(createVuetify({ ssr: true })).mount(root)
  return state
}

/** What typing does to a field before the page has any script. */
function personTypes(field: HTMLInputElement | HTMLTextAreaElement, text: string) {
  field.focus()
  field.value = text
  field.setSelectionRange(2, 2)
}

function fields(root: HTMLElement) {
  return {
    name: root.querySelector<HTMLInputElement>('#name')!,
    secret: root.querySelector<HTMLInputElement>('#secret')!,
    note: root.querySelector<HTMLTextAreaElement>('#note')!,
    agree: root.querySelector<HTMLInputElement>('#agree')!,
    login: root.querySelector<HTMLInputElement>('.v-text-field input')!,
  }
}

afterEach(() => {
  document.body.innerHTML = ''
  Reflect.deleteProperty(window, EARLY_ACTIONS_RELEASE)
})

describe('early input', () => {
  it('is lost by hydration on its own (the defect the mechanism exists for)', async () => {
    const root = await serverRender()
    const { secret, login } = fields(root)
    secret.value = 'typed early'
    login.value = 'ana'
    const state = hydrate(root)
    // Vue 3.5 keeps a plain v-model's typed text, but not a password's, and Vuetify's
    // fields bind `value`, which hydration writes over.
    expect([secret.value, login.value]).toEqual(['', ''])
    expect([state.secret, state.login]).toEqual(['', ''])
  })

  it('stays in the fields and becomes the form state: text, textarea, checkbox and a Vuetify field', async () => {
    const root = await serverRender()
    const { name, note, agree, login } = fields(root)
    const { secret } = fields(root)
    secret.value = 'hunter22'
    note.value = 'a note'
    agree.checked = true
    login.value = 'ana'
    personTypes(name, 'typed early')
    const early = keepEarlyInput(root)
    early.snapshot()

    const state = hydrate(root)
    await early.finish()

    expect([name.value, secret.value, note.value, agree.checked, login.value]).toEqual(['typed early', 'hunter22', 'a note', true, 'ana'])
    expect({ ...state, pressed: undefined }).toEqual({ name: 'typed early', secret: 'hunter22', note: 'a note', agree: true, login: 'ana', pressed: undefined })
    // The caret is where the person left it, in the field they were in.
    expect(document.activeElement).toBe(name)
    expect([name.selectionStart, name.selectionEnd]).toEqual([2, 2])
    // No stale "required" message on the Vuetify field.
    expect(root.textContent).not.toContain('Enter your login')
  })

  it('leaves fields the person did not touch to the app', async () => {
    const root = await serverRender()
    const early = keepEarlyInput(root)
    early.snapshot()
    const state = hydrate(root)
    await early.finish()
    expect(state).toEqual({ name: '', secret: '', note: '', agree: false, login: '', pressed: 0 })
  })

  it('holds a press made before hydration and replays it once the handler exists', async () => {
    new Function(EARLY_ACTIONS_GUARD)()
    const release = (window as unknown as Record<string, () => EarlyAction[]>)[EARLY_ACTIONS_RELEASE]!
    const root = await serverRender()
    const press = root.querySelector<HTMLButtonElement>('#press')!
    press.click()
    press.click()
    const early = keepEarlyInput(root, release)
    early.snapshot()

    const state = hydrate(root)
    expect(state.pressed).toBe(0)
    await early.finish()
    // Once: a second press on a page that did not answer is the same request.
    expect(state.pressed).toBe(1)
    press.click()
    expect(state.pressed).toBe(2)
  })
})
