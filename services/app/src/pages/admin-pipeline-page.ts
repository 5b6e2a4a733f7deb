// The pipeline's health: the newest event the applier applied and its lag, the dead-lettered
// events waiting (admins can replay them), and the usage reporter's last run.
import type { PipelineHealth } from '@billing/shared/admin/pipeline-status.js';
import { includesRole } from '@billing/shared/model/operator-documents.js';
import type { DeadLetterPeek } from '@billing/shared/ports/dead-letter-queue.js';
import { atTime, count, renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';
import { html } from './html.js';

export type DeadLetterView = { state: 'ok'; peek: DeadLetterPeek } | { state: 'unavailable'; why: string };

export function renderPipelinePage(
  view: { health: PipelineHealth; deadLetters: DeadLetterView; now: number; replayed: number | null },
  viewer: ConsoleViewer,
): string {
  const { applier, usageReporter } = view.health;
  const dl = view.deadLetters;
  return renderConsoleDocument(
    'Pipeline',
    viewer,
    'pipeline',
    html`<h1>Pipeline health</h1>
    <p class="muted" data-testid="as-of">as of ${atTime(view.now)}</p>
    ${view.replayed !== null ? html`<p class="flash" role="status" data-testid="done">${count(view.replayed)} dead-lettered events replayed.</p>` : null}
    <section class="panel" data-testid="applier"><h2>Event applier</h2>
      ${
        applier
          ? html`<p>Last event applied: <code>${applier.type}</code> ${applier.eventId} (${applier.outcome}) at ${atTime(applier.appliedAt)},
            <strong data-testid="apply-lag">${count(applier.lagSeconds)} s</strong> after Stripe created it.</p>
            <p class="muted small">Written at most once a minute per applier instance: "last" is within a minute of now when events flow.</p>`
          : html`<p class="muted">No event applied yet.</p>`
      }
    </section>
    <section class="panel" data-testid="dead-letters"><h2>Dead-lettered events</h2>
      ${
        dl.state === 'ok'
          ? html`<p><strong data-testid="dead-letter-count">${count(dl.peek.count)}${dl.peek.capped ? '+' : ''}</strong> waiting.</p>
          <ul class="plain">${dl.peek.sample.map((m) => html`<li><code>${m.type ?? '?'}</code> ${m.eventId ?? ''} <span class="muted">${m.reason ?? ''}</span></li>`)}</ul>
          ${
            includesRole(viewer.role, 'admin') && dl.peek.count > 0
              ? html`<form method="post" action="/admin/pipeline/replay" class="action"><p class="muted small">Fix the cause first: an event that still fails comes straight back.</p><button type="submit">Replay them</button></form>`
              : null
          }`
          : html`<p class="muted">${dl.why}</p>`
      }
    </section>
    <section class="panel" data-testid="usage-reporter"><h2>Usage reporter</h2>
      ${
        usageReporter
          ? html`<p>Last run ${atTime(usageReporter.finishedAt)}: ${usageReporter.failed ? html`<strong>failed</strong> (retried on the next tick)` : html`${count(usageReporter.reported)} meter events sent`}.</p>`
          : html`<p class="muted">No run recorded yet.</p>`
      }
    </section>`,
  );
}
