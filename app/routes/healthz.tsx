import { json } from "@remix-run/node";
import { appContext } from "~/context.server";
import { DUE_STATUSES } from "~/sync/job-status";

// For load balancers and the demo: the app is up and its store answers.
export async function loader() {
  const { db } = appContext();
  try {
    const due = await db.syncJob.count({ where: { status: { in: [...DUE_STATUSES] } } });
    return json({ ok: true, jobsDue: due });
  } catch {
    return json({ ok: false, error: "the database does not answer" }, { status: 503 });
  }
}
