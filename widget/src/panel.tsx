import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** A screen: its heading takes the focus when it appears, so keyboard and screen-reader users start there. */
export function Panel({ title, icon, children }: { title: string; icon?: ComponentChildren; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [title]);
  return (
    <section class="panel" aria-labelledby="screen-title">
      {icon && <div class="panel-icon">{icon}</div>}
      <h1 id="screen-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}
