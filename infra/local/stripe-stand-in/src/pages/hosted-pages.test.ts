// The portal and checkout pages mutate state through real form POSTs; invoices are served as HTML
// and PDF; `GET /` says what the server is.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idOf, startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn();
});
afterEach(async () => {
  await running.close();
});

const post = (url: string, form: Record<string, string>) =>
  fetch(url, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });

describe('hosted pages', () => {
  it('portal: cancel at period end, change plan and switch card, each redirecting back', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    const cs = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://a.local',
    });
    const subId = idOf(standIn.completeCheckout(cs.id).subscription);
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://app.local/billing' });
    const page = await (await fetch(portal.url)).text();
    expect(page).toContain(subId);
    expect(page).toContain('href="http://app.local/billing"');

    const cancel = await post(`${portal.url}/cancel`, { subscription: subId });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(new URL(portal.url).pathname);
    expect((await stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);

    await post(`${portal.url}/change-plan`, { subscription: subId, price: 'price_pro_year' });
    expect((await stripe.subscriptions.retrieve(subId)).items.data[0]?.price.id).toBe('price_pro_year');

    await post(`${portal.url}/payment-method`, { behaviour: 'fails' });
    expect((await stripe.customers.retrieve(customer.id)) as { invoice_settings?: { default_payment_method: unknown } }).toHaveProperty(
      'invoice_settings.default_payment_method',
      'pm_card_chargeCustomerFail',
    );
    // As at Stripe, the portal's new card also becomes the default of the subscription Checkout gave one.
    expect(standIn.state.events.slice(-2).map((e) => e.type)).toEqual(['customer.updated', 'customer.subscription.updated']);
    expect((await stripe.subscriptions.retrieve(subId)).default_payment_method).toBe('pm_card_chargeCustomerFail');

    const other = await stripe.customers.create({});
    const foreign = await stripe.billingPortal.sessions.create({ customer: other.id });
    expect((await post(`${foreign.url}/cancel`, { subscription: subId })).status).toBe(404);
  });

  it('serves the hosted invoice page and a PDF', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    const cs = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://a.local',
    });
    standIn.completeCheckout(cs.id);
    const [invoice] = (await stripe.invoices.list({ customer: customer.id })).data;
    const html = await fetch(invoice?.hosted_invoice_url ?? '');
    expect(await html.text()).toContain('<span id="status">paid</span>');
    const pdf = await fetch(invoice?.invoice_pdf ?? '');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString('latin1');
    expect(bytes.startsWith('%PDF-1.4')).toBe(true);
    const startxref = Number(/startxref\n(\d+)/.exec(bytes)?.[1]);
    expect(bytes.slice(startxref, startxref + 4)).toBe('xref');
  });

  it('checkout: a declined card leaves the session open with an error, and a retry with a good card completes it', async () => {
    const { stripe, standIn, url } = running;
    const customer = await stripe.customers.create({});
    const cs = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://app.local/ok?s={CHECKOUT_SESSION_ID}',
    });
    const page = await (await fetch(cs.url ?? '')).text();
    expect(page).toContain('id="pay-declined"');
    expect(page).not.toContain('id="error"');
    const eventsBefore = standIn.state.events.length;

    const declined = await post(`${url}/_stand-in/checkout/${cs.id}/pay`, { card: 'declined' });
    expect(declined.status).toBe(303);
    const errorPage = declined.headers.get('location') ?? '';
    expect(errorPage).toBe(`/_stand-in/checkout/${cs.id}?error=card_declined`);
    const shown = await (await fetch(`${url}${errorPage}`)).text();
    expect(shown).toContain('<p id="error" role="alert">Your card was declined.');
    expect(shown).toContain('id="pay"'); // the customer can retry
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('open');
    expect(standIn.subscriptionsOf(customer.id)).toEqual([]);
    expect(standIn.state.events.length).toBe(eventsBefore);

    const paid = await post(`${url}/_stand-in/checkout/${cs.id}/pay`, { card: 'succeeds' });
    expect(paid.headers.get('location')).toBe(`http://app.local/ok?s=${cs.id}`);
    expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe('complete');
    expect(standIn.subscriptionsOf(customer.id)).toHaveLength(1);
    // A closed session cannot be declined (or paid) again.
    expect((await post(`${url}/_stand-in/checkout/${cs.id}/pay`, { card: 'declined' })).status).toBe(400);
  });

  it('GET / answers an index: JSON by default, HTML for a browser', async () => {
    const { url } = running;
    const json = await fetch(`${url}/`, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const index = (await json.json()) as { name: string; apiBase: string; env: Record<string, string>; control: string[]; pages: string[] };
    expect(index.name).toBe('Stripe stand-in');
    expect(index.apiBase).toBe(url);
    expect(index.env).toEqual({ STRIPE_API_BASE: url });
    expect(index.control).toEqual(
      expect.arrayContaining([
        'POST /_stand-in/clock/advance',
        'GET /_stand-in/webhooks/attempts',
        'DELETE /_stand-in/failures',
        'GET /_stand-in/subscriptions',
      ]),
    );
    expect(index.pages).toContain('GET /_stand-in/checkout/:id');
    expect(((await (await fetch(`${url}/`)).json()) as { name: string }).name).toBe('Stripe stand-in'); // curl sends */*

    const html = await fetch(`${url}/`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await html.text();
    expect(body).toContain(`<code id="api-base">${url}</code>`);
    expect(body).toContain('<code>POST /_stand-in/clock/advance</code>');
  });
});
