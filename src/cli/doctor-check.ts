/** One finding of `bankgate doctor`. */
export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}
