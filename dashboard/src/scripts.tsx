import { useState } from "preact/hooks";
import { ApiFailure } from "./api";
import { useDashboard } from "./context";
import { usePoll } from "./hooks";

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
  const { api, t, viewer, announce, signedOut } = useDashboard();
  const registered = usePoll(() => api.get<{ names: string[] }>("/scripts"), "scripts", signedOut, 0);
  const [name, setName] = useState("acme_pet_question");
  const [text, setText] = useState(() => TEMPLATE("acme_pet_question"));
  const [problem, setProblem] = useState("");
  const [note, setNote] = useState("");
  const readOnly = viewer.mode === "read-only" || !viewer.sandbox;

  const open = async (wanted: string) => {
    setProblem("");
    setName(wanted);
    try {
      setText(JSON.stringify(await api.get(`/scripts/${encodeURIComponent(wanted)}`), null, 2));
      setNote("");
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 404) {
        setText(TEMPLATE(wanted));
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
      registered.reload();
    } catch (error) {
      setProblem(error instanceof ApiFailure ? error.message : t.error);
    }
  };

  return (
    <>
      {registered.data && registered.data.names.length > 0 && (
        <section aria-labelledby="registered">
          <h2 id="registered">{t.registeredScripts}</h2>
          <ul class="actions plain">
            {registered.data.names.map((registeredName) => (
              <li key={registeredName}>
                <button type="button" class="link" aria-pressed={registeredName === name} onClick={() => open(registeredName)}>
                  {registeredName}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          open(name);
        }}
      >
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
