import type { Login } from "./login.js";
import type { Session } from "./session.js";
import type { Snapshot } from "./snapshot.js";

/** A card's data as one authorized session sees it: what every data answer and webhook is built from. */
export interface CardData {
  session: Session;
  login: Login;
  /** The card's username, decrypted. */
  username: string;
  snapshotId: string;
  snapshot: Snapshot;
}
