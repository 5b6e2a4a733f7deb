// The console's error page: a refusal (403), an unknown customer (404) or bad input (400) on a page
// is answered as a page, with the message the API would put in its JSON.
import { html } from './html.js';
import { renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible now',
  503: 'Unavailable',
};

export function renderConsoleErrorPage(status: number, code: string, message: string, viewer: ConsoleViewer | null): string {
  const title = TITLES[status] ?? 'Error';
  return renderConsoleDocument(
    title,
    viewer,
    null,
    html`<section class="panel error-panel" data-testid="console-error" data-code="${code}">
      <h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/admin/customers">Back to customers</a></p>
    </section>`,
  );
}
