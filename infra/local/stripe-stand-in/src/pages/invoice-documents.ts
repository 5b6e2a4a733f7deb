// hosted_invoice_url and invoice_pdf: an HTML invoice page and a minimal but valid PDF. An open
// invoice's page has Stripe's "Pay" (with the customer's current card); a decline is said there.
import { Router } from 'express';
import type Stripe from 'stripe';
import type { BillingContext } from '../billing/billing-context.js';
import { payOpenInvoice } from '../billing/pay-invoice.js';
import { noSuchResource } from '../http/stripe-error.js';
import { escapeHtml, htmlPage, money } from './html-page.js';

function invoiceOrThrow(ctx: BillingContext, id: string): Stripe.Invoice {
  const invoice = ctx.state.invoices.get(id);
  if (!invoice) throw noSuchResource('invoice', id);
  return invoice;
}

function summaryLines(invoice: Stripe.Invoice): string[] {
  return [
    `Invoice ${invoice.number ?? invoice.id}`,
    `Status: ${invoice.status ?? 'draft'}`,
    ...invoice.lines.data.map((l) => `${l.description ?? ''}: ${money(l.amount)}`),
    `Total: ${money(invoice.total)}  Paid: ${money(invoice.amount_paid)}`,
  ];
}

/** A one-page PDF with the given lines, with a correct cross-reference table. */
export function minimalPdf(lines: readonly string[]): Buffer {
  const esc = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1');
  const stream = ['BT', '/F1 12 Tf', '50 780 Td', '16 TL', ...lines.map((l) => `(${esc(l)}) Tj T*`), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

export function invoiceDocuments(ctx: BillingContext): Router {
  const router = Router();
  // Registered before the HTML route: `:id` would otherwise swallow the `.pdf` suffix.
  router.get('/_stand-in/invoices/:id.pdf', (req, res) => {
    const invoice = invoiceOrThrow(ctx, req.params.id);
    res
      .type('application/pdf')
      .set('content-disposition', `inline; filename="${invoice.number ?? invoice.id}.pdf"`)
      .send(minimalPdf(summaryLines(invoice)));
  });
  router.post('/_stand-in/invoices/:id/pay', (req, res) => {
    const invoice = invoiceOrThrow(ctx, req.params.id);
    const outcome = invoice.status === 'open' ? payOpenInvoice(ctx, invoice) : 'paid';
    res.redirect(303, `/_stand-in/invoices/${encodeURIComponent(invoice.id)}${outcome === 'paid' ? '' : `?declined=${outcome}`}`);
  });
  router.get('/_stand-in/invoices/:id', (req, res) => {
    const invoice = invoiceOrThrow(ctx, req.params.id);
    const declined =
      req.query['declined'] === 'failed'
        ? 'Your card was declined.'
        : req.query['declined'] === 'requires_action'
          ? 'Your bank asks you to confirm this payment.'
          : null;
    const payForm =
      invoice.status === 'open'
        ? `${declined ? `<p id="declined" role="alert">${escapeHtml(declined)}</p>` : ''}<form method="post" action="/_stand-in/invoices/${escapeHtml(invoice.id)}/pay"><button type="submit" id="pay">Pay ${money(invoice.amount_remaining)}</button></form>`
        : '';
    const rows = invoice.lines.data.map((l) => `<tr><td>${escapeHtml(l.description ?? '')}</td><td>${money(l.amount)}</td></tr>`).join('');
    res
      .type('html')
      .send(
        htmlPage(
          `Invoice ${invoice.number ?? invoice.id}`,
          `<h1>Invoice ${escapeHtml(invoice.number ?? invoice.id)}</h1><p>Status: <span id="status">${escapeHtml(invoice.status ?? 'draft')}</span></p><table>${rows}<tr><th>Total</th><th>${money(invoice.total)}</th></tr></table>${payForm}<p><a href="${escapeHtml(invoice.invoice_pdf ?? '')}">Download PDF</a></p>`,
        ),
      );
  });
  return router;
}
