import { useState } from "preact/hooks";
import { ApiFailure } from "./api";
import { useDashboard } from "./context";

const TEMPLATE = (name: string) =>
  JSON.stringify(
    {
      name,
      latencySeconds: 0,
      steps: [{ challenges: [{ type: "QuestionAndAnswer", prompt: "What is your pet's name?", answers: ["Rex"] }] }],
      data: { seed: name, currency: "CAD" },
    },
    null,
    2,
  );

/** Scenario scripts: load one by name, edit its JSON, save; the server's validation errors show under the editor. */
export function Scripts() {
  const { api, t, viewer, announce } = useDashboard();
  const [name, setName] = useState("acme_pet_question");
  const [text, setText] = useState(() => TEMPLATE("acme_pet_question"));
  const [problem, setProblem] = useState("");
  const [note, setNote] = useState("");
  const readOnly = viewer.mode === "read-only" || !viewer.sandbox;

  const load = async (event: Event) => {
    event.preventDefault();
    setProblem("");
    try {
      setText(JSON.stringify(await api.get(`/scripts/${encodeURIComponent(name)}`), null, 2));
      setNote("");
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) {
        setText(TEMPLATE(name));
        setNote(t.notFound);
      } else setProblem(error instanceof ApiFailure ? error.message : t.error);
    }
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setProblem("");
    setNote("");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      setProblem(t.notJson);
      return;
    }
    try {
      await api.send("PUT", `/scripts/${encodeURIComponent(name)}`, body);
      setNote(t.scriptSaved);
      announce(t.scriptSaved);
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : t.error);
    }
  };

  return (
    <>
      <form class="inline" onSubmit={load}>
        <label for="script-name">{t.scriptName}</label>
        <input id="script-name" required pattern="[a-z0-9_]+" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit">{t.load}</button>
      </form>
      <form class="editor" onSubmit={save}>
        <label for="script-json">{t.scriptJson}</label>
        <p id="script-help" class="muted small">
          {t.scriptHelp}
        </p>
        <textarea
          id="script-json"
          rows={18}
          spellcheck={false}
          value={text}
          aria-invalid={problem ? "true" : undefined}
          aria-describedby={problem ? "script-help script-problem" : "script-help"}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        {problem && (
          <p id="script-problem" class="error" role="alert">
            {problem}
          </p>
        )}
        {note && <p class="ok">{note}</p>}
        <button type="submit" class="primary" disabled={readOnly}>
          {t.save}
        </button>
      </form>
    </>
  );
}
