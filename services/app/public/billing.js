// Built from services/app/src/browser-script/page/*.ts by build-browser-script.ts: do not edit.
"use strict";
(() => {
  // shared/src/money/format-money.ts
  var ZERO_DECIMAL_CURRENCIES = [
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf"
  ];
  var THREE_DECIMAL_CURRENCIES = ["bhd", "jod", "kwd", "omr", "tnd"];
  var ZERO_DECIMAL = new Set(ZERO_DECIMAL_CURRENCIES);
  var THREE_DECIMAL = new Set(THREE_DECIMAL_CURRENCIES);
  function minorUnitsPerUnit(currency) {
    const code = currency.toLowerCase();
    if (ZERO_DECIMAL.has(code)) return 1;
    return THREE_DECIMAL.has(code) ? 1e3 : 100;
  }
  function formatMoney(amount, currency) {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(
      amount / minorUnitsPerUnit(currency)
    );
  }

  // services/app/src/pages/format.ts
  var dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
  function formatDate(unixSeconds) {
    return dateFormat.format(new Date(unixSeconds * 1e3));
  }
  var formatSeats = (n) => `${n.toLocaleString("en-US")} ${n === 1 ? "seat" : "seats"}`;
  function formatCardBrand(brand) {
    const names = {
      amex: "American Express",
      diners: "Diners Club",
      jcb: "JCB",
      unionpay: "UnionPay",
      mastercard: "Mastercard",
      visa: "Visa",
      discover: "Discover"
    };
    return names[brand] ?? (brand ? brand[0]?.toUpperCase() + brand.slice(1) : "Card");
  }
  function formatCard(card) {
    return `${formatCardBrand(card.brand)} ending ${card.last4}, expires ${String(card.expMonth).padStart(2, "0")}/${card.expYear}`;
  }

  // services/app/src/browser-script/page/api.ts
  var ApiError = class extends Error {
    constructor(message, status, code, details) {
      super(message);
      this.status = status;
      this.code = code;
      this.details = details;
      this.name = "ApiError";
    }
    status;
    code;
    details;
  };
  var isRecord = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
  async function send(method, url, body) {
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        credentials: "same-origin",
        ...method === "GET" ? {} : { body: JSON.stringify(body ?? {}) }
      });
    } catch {
      throw new ApiError("The server could not be reached. Check your connection, then try again.", 0, "network", {});
    }
    if (res.status === 204) return null;
    const answer = await res.json().catch(() => null);
    if (res.ok) return answer;
    const error = isRecord(answer) && isRecord(answer["error"]) ? answer["error"] : {};
    const message = typeof error["message"] === "string" ? error["message"] : "";
    const code = typeof error["code"] === "string" ? error["code"] : "unknown";
    throw new ApiError(message, res.status, code, error);
  }
  function userMessage(err) {
    if (!(err instanceof ApiError)) return "Something went wrong in this page. Nothing was changed; reload the page and try again.";
    if (err.code === "upstream_unavailable" || err.status === 503)
      return "Our payment provider could not be reached. Nothing was changed; try again in a minute.";
    if (err.code === "internal" || err.status >= 500 || err.code === "unknown")
      return "Something went wrong on our side. Nothing was changed; try again in a minute, or contact support if it keeps happening.";
    if (err.code === "unauthenticated") return "Your session has ended. Reload the page to sign in again.";
    if (err.code === "forbidden") return "Only the account's owners and admins can do this.";
    return err.message || "That did not work. Check what you entered and try again.";
  }
  function field(answer, name) {
    return isRecord(answer) && typeof answer[name] === "string" ? answer[name] : null;
  }

  // services/app/src/browser-script/page/dom.ts
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value2] of Object.entries(attrs)) node.setAttribute(name, value2);
    for (const child of children) if (child) node.append(child);
    return node;
  }
  function must(root, selector, type) {
    const found = root.querySelector(selector);
    if (!(found instanceof type)) throw new Error(`the page has no ${selector}`);
    return found;
  }
  function clicked(event, selector) {
    const target = event.target instanceof Element ? event.target.closest(selector) : null;
    return target instanceof HTMLButtonElement ? target : null;
  }

  // services/app/src/browser-script/page/change-preview.ts
  var terms = (t, currency) => `${t.plan}${t.seats === null ? "" : `, ${formatSeats(t.seats)}`}: ${formatMoney(t.amount, currency)} / ${t.interval}`;
  function previewNodes(p) {
    const money = (amount) => formatMoney(amount, p.currency);
    const when = p.nextInvoiceAt ? ` on ${formatDate(p.nextInvoiceAt)}` : "";
    const due = p.invoicedNow ? el(
      "p",
      { class: "due", "data-testid": "review-due" },
      el("strong", {}, `Due today: ${money(p.amountDueNow)}`),
      p.amountDueNow === 0 ? " (the credit for your unused time covers it)" : ""
    ) : el(
      "p",
      { class: "due", "data-testid": "review-due" },
      el("strong", {}, "Due today: nothing. "),
      p.proration > 0 ? `${money(p.proration)} for the rest of this period is added to your next invoice${when}.` : p.proration < 0 ? `${money(-p.proration)} for the unused part of this period is credited on your next invoice${when}.` : `Nothing changes on your next invoice${when} but the new price.`
    );
    const lines = p.lines.length ? el(
      "table",
      { class: "review-lines", "data-testid": "review-lines" },
      el("caption", { class: "visually-hidden" }, "What the change charges and credits"),
      el("tbody", {}, ...p.lines.map((l) => el("tr", {}, el("td", {}, l.description), el("td", { class: "amount" }, money(l.amount)))))
    ) : null;
    return [
      el(
        "dl",
        { class: "review-terms" },
        el("dt", {}, "Now"),
        el("dd", { "data-testid": "review-current" }, p.current ? terms(p.current, p.currency) : "A price outside the plans"),
        el("dt", {}, "After the change"),
        el("dd", { "data-testid": "review-next" }, terms(p.next, p.currency))
      ),
      ...lines ? [lines] : [],
      due,
      el(
        "p",
        { "data-testid": "review-recurring" },
        `Then ${money(p.next.amount)} / ${p.next.interval}${p.recursFrom ? ` from ${formatDate(p.recursFrom)}` : ""}.`
      ),
      el(
        "p",
        { class: "muted", "data-testid": "review-card" },
        p.card ? `Charged to ${formatCard(p.card)}.` : "No card on file: add one in Manage billing first."
      )
    ];
  }

  // services/app/src/browser-script/page/feedback.ts
  var SUCCESS_KEY = "billing.success";
  async function whileBusy(button, work, label = "Working\u2026") {
    if (!button) return work();
    const text = button.textContent;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = label;
    try {
      return await work();
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.textContent = text;
    }
  }
  function errorSlot(control) {
    const block = control.closest("[data-feedback], dialog");
    const slot = block?.querySelector("[data-role=error]");
    if (slot) return slot;
    return control.closest("section")?.querySelector("[data-role=flash]") ?? document.getElementById("flash");
  }
  function showError(control, message) {
    const slot = errorSlot(control);
    if (!slot) return;
    slot.textContent = message;
    slot.classList.add("error-text");
    slot.hidden = false;
    slot.scrollIntoView({ block: "nearest" });
  }
  function clearError(control) {
    const slot = errorSlot(control);
    if (slot?.getAttribute("data-role") === "error") slot.hidden = true;
  }
  function reloadWithSuccess(message, url) {
    try {
      sessionStorage.setItem(SUCCESS_KEY, message);
    } catch {
    }
    if (url) window.location.assign(url);
    else window.location.reload();
  }
  function showPendingSuccess() {
    let message = null;
    try {
      message = sessionStorage.getItem(SUCCESS_KEY);
      sessionStorage.removeItem(SUCCESS_KEY);
    } catch {
      return;
    }
    showSuccess(message);
  }
  function showSuccess(message) {
    const flash = document.getElementById("flash");
    if (!flash || !message) return;
    flash.textContent = message;
    flash.className = "banner ok";
    flash.hidden = false;
  }

  // services/app/src/browser-script/page/modal.ts
  var openings = /* @__PURE__ */ new WeakMap();
  function showModalWith(d, listeners, onClose) {
    openings.get(d)?.();
    const attached = listeners.map(([target, type, handler]) => [target, type, handler]);
    const detach = () => {
      if (openings.get(d) !== detach) return;
      openings.delete(d);
      for (const [target, type, handler] of attached) target.removeEventListener(type, handler);
      d.removeEventListener("close", onCloseEvent);
      onClose?.();
    };
    const onCloseEvent = () => {
      if (!d.open) detach();
    };
    for (const [target, type, handler] of attached) target.addEventListener(type, handler);
    d.addEventListener("close", onCloseEvent);
    openings.set(d, detach);
    d.showModal();
  }

  // services/app/src/browser-script/page/review-dialog.ts
  var dialog = () => must(document, "dialog#review", HTMLDialogElement);
  function openReview(review) {
    const d = dialog();
    const body = must(d, "[data-role=body]", HTMLElement);
    const seatsRow = must(d, "[data-role=seats]", HTMLElement);
    const seatsInput = must(seatsRow, "input", HTMLInputElement);
    const confirm = must(d, "[data-role=confirm]", HTMLButtonElement);
    const errorSlot2 = must(d, "[data-role=error]", HTMLElement);
    must(d, "[data-role=title]", HTMLElement).textContent = review.title;
    confirm.textContent = review.confirmLabel;
    errorSlot2.hidden = true;
    seatsRow.hidden = !review.seats;
    if (review.seats) {
      seatsInput.min = String(review.seats.min);
      seatsInput.max = String(review.seats.max);
      seatsInput.value = String(review.seats.value);
    }
    const seats = () => review.seats ? clampSeats(seatsInput) : null;
    let generation = 0;
    const refresh = async () => {
      const mine = ++generation;
      confirm.disabled = true;
      body.setAttribute("aria-busy", "true");
      errorSlot2.hidden = true;
      try {
        const nodes = await review.render(seats());
        if (mine !== generation) return;
        body.replaceChildren(...nodes);
        confirm.disabled = false;
      } catch (err) {
        if (mine !== generation) return;
        body.replaceChildren(el("p", { class: "muted" }, "This change cannot be previewed."));
        showError(confirm, userMessage(err));
      } finally {
        if (mine === generation) body.removeAttribute("aria-busy");
      }
    };
    let timer;
    const onSeats = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void refresh(), 250);
    };
    const onStep = (event) => {
      const step = event.target instanceof Element ? event.target.closest("[data-step]") : null;
      if (!step) return;
      seatsInput.value = String(Number(seatsInput.value) + Number(step.getAttribute("data-step")));
      clampSeats(seatsInput);
      onSeats();
    };
    const onSubmit = (event) => {
      const pressed = event.submitter;
      if (!(pressed instanceof HTMLButtonElement) || pressed.value !== "confirm") return;
      event.preventDefault();
      errorSlot2.hidden = true;
      whileBusy(confirm, () => review.confirm(seats()), "Confirming\u2026").catch((err) => showError(confirm, userMessage(err)));
    };
    body.replaceChildren(el("p", { class: "muted" }, "Working out what this change costs\u2026"));
    showModalWith(
      d,
      [
        [seatsInput, "input", onSeats],
        [seatsRow, "click", onStep],
        [must(d, "form", HTMLFormElement), "submit", onSubmit]
      ],
      () => {
        generation++;
        window.clearTimeout(timer);
      }
    );
    void refresh();
  }
  function clampSeats(input) {
    const min = Number(input.min) || 1;
    const max = Number(input.max) || min;
    const value2 = Math.min(max, Math.max(min, Math.round(Number(input.value) || min)));
    input.value = String(value2);
    return value2;
  }

  // services/app/src/browser-script/page/billing-actions.ts
  function follow(answer) {
    const url = field(answer, "url");
    if (!url) throw new Error("the API answered without a url");
    window.location.assign(url);
  }
  var attr = (button, name) => button.getAttribute(name) ?? "";
  function cardSeats(button) {
    const input = button.closest(".card")?.querySelector("input[name=seats]");
    return input ? clampSeats(input) : void 0;
  }
  async function checkout(button) {
    const seats = cardSeats(button);
    follow(await send("POST", "/api/checkout", { lookupKey: attr(button, "data-lookup-key"), ...seats === void 0 ? {} : { seats } }));
  }
  function changePlan(button) {
    const lookupKey = attr(button, "data-lookup-key");
    const planName = attr(button, "data-plan-name");
    const perSeat = button.hasAttribute("data-seats-min");
    const current = Number(document.querySelector("#seats")?.getAttribute("data-current") ?? "1");
    const min = Number(attr(button, "data-seats-min")) || 1;
    const max = Number(attr(button, "data-seats-max")) || min;
    openReview({
      title: `Change to ${planName}, ${attr(button, "data-price-label")}`,
      confirmLabel: `Confirm change to ${planName}`,
      ...perSeat ? { seats: { min, max, value: Math.min(max, Math.max(min, current)) } } : {},
      render: async (seats) => previewNodes(
        await send("POST", "/api/subscription/plan/preview", { lookupKey, ...seats === null ? {} : { seats } })
      ),
      confirm: async (seats) => {
        await send("POST", "/api/subscription/plan", { lookupKey, ...seats === null ? {} : { seats } });
        reloadWithSuccess(`Your plan is now ${planName}${seats === null ? "" : ` with ${formatSeats(seats)}`}.`);
      }
    });
  }
  function cancel() {
    const end = document.querySelector("[data-testid=plan-price]")?.textContent?.match(/next payment on (.+)$/)?.[1];
    openReview({
      title: "Cancel your subscription?",
      confirmLabel: "Cancel subscription",
      render: () => Promise.resolve([
        el(
          "p",
          {},
          `Your plan stays on${end ? ` until ${end}` : " until the end of the billing period"}; then the account moves to the Free plan and nothing more is charged.`
        ),
        el("p", { class: "muted" }, "You can resume any time before then.")
      ]),
      confirm: async () => {
        await send("POST", "/api/subscription/cancel");
        reloadWithSuccess(`Your subscription is canceled${end ? `: it ends on ${end}` : " at the end of the billing period"}.`);
      }
    });
  }
  async function resume() {
    await send("POST", "/api/subscription/resume");
    reloadWithSuccess("Your subscription is resumed: it renews as before.");
  }
  async function portal() {
    follow(await send("POST", "/api/portal"));
  }
  async function updateCard() {
    follow(await send("POST", "/api/portal", { flow: "payment_method_update" }));
  }
  var BILLING_ACTIONS = {
    checkout,
    "change-plan": changePlan,
    cancel,
    resume,
    portal,
    "update-card": updateCard
  };
  async function payAfterCardUpdate() {
    const banner = document.querySelector("[data-auto-pay]");
    const invoiceId = banner?.getAttribute("data-auto-pay");
    if (!banner || !invoiceId) return;
    const note = banner.querySelector("[data-testid=auto-pay]");
    try {
      await send("POST", `/api/invoices/${encodeURIComponent(invoiceId)}/pay`);
      reloadWithSuccess("Thank you: your payment went through with the new card, and your account is in good standing.", "/billing");
    } catch (err) {
      if (note) note.textContent = "";
      const message = err instanceof ApiError && err.code === "payment_required" ? `${err.message}` : userMessage(err);
      showError(must(banner, "[data-action=update-card]", HTMLButtonElement), message);
    }
  }
  function wireSeatsForm() {
    const form = document.querySelector("form.seats-form");
    if (!form) return;
    const input = must(form, "input[name=seats]", HTMLInputElement);
    const total = form.querySelector("[data-role=seat-total]");
    const unit = Number(form.getAttribute("data-unit-amount"));
    const currency = form.getAttribute("data-currency") ?? "usd";
    const interval = form.getAttribute("data-interval") ?? "";
    const update = () => {
      if (total) total.textContent = `${formatMoney(unit * clampSeats(input), currency)} / ${interval}`;
    };
    input.addEventListener("change", update);
    input.addEventListener("input", () => {
      if (total && input.value !== "")
        total.textContent = `${formatMoney(unit * Math.max(0, Math.round(Number(input.value))), currency)} / ${interval}`;
    });
    form.addEventListener("click", (event) => {
      const step = event.target instanceof Element ? event.target.closest("[data-step]") : null;
      if (!step) return;
      input.value = String(Number(input.value) + Number(step.getAttribute("data-step")));
      update();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearError(form);
      const seats = clampSeats(input);
      update();
      if (seats === Number(form.getAttribute("data-current"))) {
        showError(input, `You already have ${formatSeats(seats)}: choose another number.`);
        return;
      }
      openReview({
        title: `Change to ${formatSeats(seats)}`,
        confirmLabel: `Confirm ${formatSeats(seats)}`,
        render: async () => previewNodes(await send("POST", "/api/subscription/seats/preview", { seats })),
        confirm: async () => {
          await send("POST", "/api/subscription/seats", { seats });
          reloadWithSuccess(`You now have ${formatSeats(seats)}.`);
        }
      });
    });
  }
  function runAction(action, button) {
    clearError(button);
    whileBusy(button, async () => action(button)).catch((err) => showError(button, userMessage(err)));
  }

  // services/app/src/browser-script/page/rename-key.ts
  function keyNameProblem(name, min, max) {
    const trimmed = name.trim();
    if (trimmed.length < min) return "Enter a name for the key.";
    if (trimmed.length > max) return `Use at most ${max} characters: this name has ${trimmed.length}.`;
    if (!trimmed.isWellFormed()) return "The name has characters that cannot be stored: type it again.";
    return null;
  }
  function openRenameKey(button) {
    const d = must(document, "dialog#rename-key", HTMLDialogElement);
    const form = must(d, "form", HTMLFormElement);
    const input = must(d, "input[name=name]", HTMLInputElement);
    const error = must(d, "[data-role=error]", HTMLElement);
    const save = must(d, "[data-role=confirm]", HTMLButtonElement);
    const current = button.getAttribute("data-key-name") ?? "";
    const url = `/api/keys/${encodeURIComponent(button.getAttribute("data-key-id") ?? "")}`;
    const min = Number(input.getAttribute("data-min"));
    const max = Number(input.getAttribute("data-max"));
    must(d, "h2", HTMLElement).textContent = `Rename API key "${current}"`;
    input.value = current;
    const say = (message) => {
      error.textContent = message ?? "";
      error.hidden = message === null;
      if (message === null) input.removeAttribute("aria-invalid");
      else input.setAttribute("aria-invalid", "true");
    };
    const onInput = () => {
      if (!error.hidden) say(keyNameProblem(input.value, min, max));
    };
    const onSubmit = (event) => {
      const pressed = event.submitter;
      if (!(pressed instanceof HTMLButtonElement) || pressed.value !== "save") return;
      event.preventDefault();
      const problem = keyNameProblem(input.value, min, max);
      if (problem) {
        say(problem);
        input.focus();
        return;
      }
      const name = input.value.trim();
      say(null);
      whileBusy(save, () => send("PATCH", url, { name }), "Saving\u2026").then(
        () => reloadWithSuccess(`API key renamed to "${name}".`),
        (err) => {
          say(userMessage(err));
          input.focus();
        }
      );
    };
    say(null);
    showModalWith(d, [
      [input, "input", onInput],
      [form, "submit", onSubmit]
    ]);
    input.select();
  }

  // services/app/src/browser-script/page/team-and-keys.ts
  var attr2 = (button, name) => button.getAttribute(name) ?? "";
  var keyUrl = (button) => `/api/keys/${encodeURIComponent(attr2(button, "data-key-id"))}`;
  function confirmThen(title, text, confirmLabel, run, done, url) {
    openReview({
      title,
      confirmLabel,
      render: () => Promise.resolve([el("p", {}, text)]),
      confirm: async () => {
        await run();
        reloadWithSuccess(done, url);
      }
    });
  }
  var TEAM_AND_KEY_ACTIONS = {
    "revoke-key": (b) => confirmThen(
      `Revoke the API key "${attr2(b, "data-key-name")}"?`,
      "Programs using it are refused at once. This cannot be undone.",
      "Revoke key",
      () => send("DELETE", keyUrl(b)),
      `API key "${attr2(b, "data-key-name")}" revoked.`
    ),
    "rename-key": (b) => openRenameKey(b),
    "remove-member": (b) => confirmThen(
      `Remove ${attr2(b, "data-member")}?`,
      "They lose the team and its plan at once, and the API keys they made for it are revoked.",
      "Remove member",
      () => send("DELETE", `/api/team/members/${encodeURIComponent(attr2(b, "data-user-id"))}`),
      `${attr2(b, "data-member")} was removed from the team.`
    ),
    // The server makes the personal account active again: the reload shows it.
    "leave-team": () => confirmThen(
      "Leave this team?",
      "You lose its plan at once, the API keys you made for it are revoked, and you need a new invitation to come back.",
      "Leave team",
      () => send("POST", "/api/team/leave"),
      "You left the team.",
      "/billing"
    ),
    "revoke-invitation": (b) => confirmThen(
      `Revoke the invitation to ${attr2(b, "data-member")}?`,
      "Its link stops working.",
      "Revoke invitation",
      () => send("DELETE", `/api/team/invitations/${encodeURIComponent(attr2(b, "data-invitation-id"))}`),
      `The invitation to ${attr2(b, "data-member")} was revoked.`
    ),
    // The server makes the team the active account: the billing page then shows it.
    "accept-invitation": async (b) => {
      await send("POST", `/api/invitations/${encodeURIComponent(attr2(b, "data-invitation-id"))}/accept`);
      reloadWithSuccess("Welcome to the team.", "/billing");
    }
  };
  function jsonForm(form, run, failed) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearError(form);
      const button = form.querySelector("button[type=submit]");
      whileBusy(button, run).catch((err) => {
        if (!failed?.(err)) showError(button ?? form, userMessage(err));
      });
    });
  }
  var value = (form, name) => {
    const input = form.elements.namedItem(name);
    return input instanceof HTMLInputElement || input instanceof HTMLSelectElement ? input.value : "";
  };
  function wireKeyForm() {
    const form = document.querySelector("form.create-key");
    const panel = document.querySelector("[data-testid=new-key]");
    if (!form || !panel) return;
    const secret = must(panel, "[data-testid=new-key-secret]", HTMLElement);
    jsonForm(form, async () => {
      const created = await send("POST", "/api/keys", { name: value(form, "name") });
      must(panel, "[data-role=new-key-name]", HTMLElement).textContent = created.name;
      secret.textContent = created.key;
      panel.hidden = false;
      form.hidden = true;
      form.reset();
      must(panel, "[data-role=copy-key]", HTMLButtonElement).focus();
    });
    must(panel, "[data-role=copy-key]", HTMLButtonElement).addEventListener("click", (event) => {
      const copy = event.currentTarget;
      navigator.clipboard.writeText(secret.textContent ?? "").then(
        () => {
          if (copy instanceof HTMLButtonElement) copy.textContent = "Copied";
        },
        // No clipboard access (a denied permission): select it for Ctrl-C.
        () => window.getSelection()?.selectAllChildren(secret)
      );
    });
    must(panel, "[data-role=done-key]", HTMLButtonElement).addEventListener("click", () => window.location.reload());
  }
  function wireSwitcher() {
    const switcher = document.querySelector("select[data-role=switch-account]");
    if (!switcher) return;
    const active = switcher.value;
    switcher.addEventListener("change", () => {
      switcher.disabled = true;
      send("POST", "/api/accounts/active", { accountId: switcher.value }).then(() => window.location.assign("/billing")).catch((err) => {
        switcher.value = active;
        switcher.disabled = false;
        showError(switcher, userMessage(err));
      });
    });
  }
  function wireTeamForms() {
    const createTeam = document.querySelector("form.create-team");
    if (createTeam) {
      jsonForm(createTeam, async () => {
        await send("POST", "/api/teams", { name: value(createTeam, "name") });
        reloadWithSuccess(`Team "${value(createTeam, "name")}" created: you are now acting for it.`, "/billing");
      });
    }
    const invite = document.querySelector("form.invite-form");
    const exhausted = document.querySelector("[data-testid=seats-exhausted]");
    if (invite) {
      jsonForm(
        invite,
        async () => {
          if (exhausted) exhausted.hidden = true;
          await send("POST", "/api/team/invitations", { email: value(invite, "email"), role: value(invite, "role") });
          reloadWithSuccess(`Invitation created for ${value(invite, "email")}: copy its link below and send it.`);
        },
        (err) => {
          if (!exhausted || !(err instanceof ApiError) || err.details["reason"] !== "seats_exhausted") return false;
          const seats = err.details["seats"];
          const used = typeof seats === "object" && seats !== null && "used" in seats && typeof seats.used === "number" ? seats.used : 0;
          must(exhausted, "[data-role=message]", HTMLElement).textContent = err.message;
          exhausted.setAttribute("data-seats-needed", String(used + 1));
          exhausted.hidden = false;
          return true;
        }
      );
    }
    exhausted?.querySelector("[data-role=add-seats]")?.addEventListener("click", () => {
      const target = document.getElementById("seats") ?? document.getElementById("plans");
      const seats = document.querySelector("#seats input[name=seats]") ?? document.querySelector("#plans [data-plan=team] input[name=seats]");
      const needed = Number(exhausted.getAttribute("data-seats-needed"));
      if (seats && needed > Number(seats.value) && needed <= Number(seats.max)) seats.value = String(needed);
      target?.scrollIntoView({ block: "center" });
      seats?.focus();
    });
  }
  function wireRoles() {
    document.addEventListener("change", (event) => {
      const select = event.target instanceof Element ? event.target.closest("select[data-role=member-role]") : null;
      if (!(select instanceof HTMLSelectElement)) return;
      const was = select.querySelector("option[selected]")?.getAttribute("value") ?? select.value;
      const change = async () => {
        await send("PATCH", `/api/team/members/${encodeURIComponent(attr2(select, "data-user-id"))}`, { role: select.value });
        reloadWithSuccess(`Role changed to ${select.value}.`);
      };
      if (select.getAttribute("data-self") === "true") {
        const role = select.value;
        select.value = was;
        openReview({
          title: `Change your own role to ${role}?`,
          confirmLabel: `Become ${role}`,
          render: () => Promise.resolve([el("p", {}, "You may not be able to change it back.")]),
          confirm: async () => {
            select.value = role;
            await change();
          }
        });
        return;
      }
      select.disabled = true;
      change().catch((err) => {
        select.value = was;
        select.disabled = false;
        showError(select, userMessage(err));
      });
    });
  }
  function wireCopyLinks() {
    document.addEventListener("click", (event) => {
      const copy = event.target instanceof Element ? event.target.closest("button[data-role=copy-link]") : null;
      const link = copy?.parentElement?.querySelector("input[data-role=invite-link]");
      if (!copy || !link) return;
      navigator.clipboard.writeText(link.value).then(
        () => void (copy.textContent = "Copied"),
        () => {
          link.focus();
          link.select();
        }
      );
    });
  }
  function wireTeamAndKeys() {
    wireKeyForm();
    wireSwitcher();
    wireTeamForms();
    wireRoles();
    wireCopyLinks();
  }

  // services/app/src/pages/billing-page-daily.ts
  var CHART = { slot: 10, bar: 8, height: 40 };
  var dayFormat = new Intl.DateTimeFormat("en-US", { month: "long", day: "numeric", timeZone: "UTC" });
  function formatDay(day) {
    return dayFormat.format(/* @__PURE__ */ new Date(`${day}T00:00:00Z`));
  }
  function dailyChart(series) {
    const peak = Math.max(0, ...series.map((d) => d.used));
    const bars = series.map((d, i) => ({
      ...d,
      label: formatDay(d.day),
      x: i * CHART.slot + (CHART.slot - CHART.bar) / 2,
      // A day with any usage stays visible next to a far busier one.
      height: peak === 0 || d.used === 0 ? 0 : Math.max(1, Math.round(d.used / peak * CHART.height))
    }));
    const first = bars[0];
    const last = bars[bars.length - 1];
    const range = first && last ? first === last ? first.label : `${first.label} \u2013 ${last.label}` : "";
    return { bars, peak, width: Math.max(1, series.length) * CHART.slot, range };
  }
  function dailySummary(chart) {
    if (chart.peak === 0) return `Per day, ${chart.range}: nothing used yet`;
    const busiest = chart.bars.find((b) => b.used === chart.peak);
    return `Per day, ${chart.range}: busiest ${busiest?.label ?? ""}, ${chart.peak.toLocaleString("en-US")}`;
  }

  // services/app/src/browser-script/page/usage-refresh.ts
  var USAGE_REFRESH_MS = 3e4;
  function level(used, limit) {
    if (limit === null || limit === 0) return "ok";
    if (used >= limit) return "full";
    return used >= limit * 0.8 ? "warn" : "ok";
  }
  var SVG = "http://www.w3.org/2000/svg";
  function svgRect(attrs, title) {
    const rect = document.createElementNS(SVG, "rect");
    for (const [name, value2] of Object.entries(attrs)) rect.setAttribute(name, String(value2));
    if (title !== void 0) {
      const tip = document.createElementNS(SVG, "title");
      tip.textContent = title;
      rect.append(tip);
    }
    return rect;
  }
  function redrawDaily(figure, feature, byDay) {
    const svg = figure.querySelector("svg");
    const table = figure.querySelector("table");
    const caption = table?.querySelector("caption");
    const tbody = table?.querySelector("tbody");
    const summary = figure.querySelector("figcaption");
    if (!svg || !caption || !tbody || !summary) return;
    const chart = dailyChart(byDay);
    svg.setAttribute("viewBox", `0 0 ${chart.width} ${CHART.height}`);
    svg.replaceChildren(
      svgRect({ class: "baseline", x: 0, y: CHART.height - 0.5, width: chart.width, height: 0.5 }),
      ...chart.bars.map(
        (b) => svgRect(
          { class: "day", "data-day": b.day, x: b.x, y: CHART.height - b.height, width: CHART.bar, height: b.height },
          `${b.label}: ${b.used.toLocaleString("en-US")}`
        )
      )
    );
    caption.textContent = `${feature} per day, ${chart.range}`;
    tbody.replaceChildren(
      ...chart.bars.map((b) => el("tr", {}, el("th", { scope: "row" }, b.label), el("td", {}, b.used.toLocaleString("en-US"))))
    );
    summary.textContent = dailySummary(chart);
  }
  function upgradeWhenFull(row, name, lvl) {
    const button = row.querySelector(".upgrade");
    const manage = row.closest("[data-manage]")?.getAttribute("data-manage") === "true";
    if (lvl !== "full" || !manage) {
      button?.remove();
      return;
    }
    if (button) return;
    const upgrade = el(
      "a",
      {
        class: "button small upgrade",
        href: "#plans",
        "data-testid": "upgrade-quota",
        "aria-label": `Upgrade for more ${name.toLowerCase()}`
      },
      "Upgrade"
    );
    row.insertBefore(upgrade, row.querySelector("figure[data-role=daily]"));
  }
  function applyUsage(usage) {
    for (const u of usage) {
      const row = document.querySelector(`.usage-row[data-feature="${CSS.escape(u.feature)}"]`);
      const count = row?.querySelector("[data-role=count]");
      const bar = row?.querySelector("progress");
      if (!row || !count || !bar) continue;
      const limit = u.limit === "unlimited" ? null : u.limit;
      count.textContent = `${u.used.toLocaleString("en-US")} / ${limit === null ? "unlimited" : limit.toLocaleString("en-US")}`;
      const pct = limit ? Math.min(100, Math.round(u.used / limit * 100)) : 0;
      bar.value = pct;
      const name = row.querySelector(".name")?.textContent ?? u.feature;
      bar.setAttribute("aria-label", `${name}: ${limit === null ? "unlimited" : `${pct}% of this month's quota used`}`);
      const lvl = level(u.used, limit);
      row.classList.remove("level-ok", "level-warn", "level-full");
      row.classList.add(`level-${lvl}`);
      row.setAttribute("data-level", lvl);
      upgradeWhenFull(row, name, lvl);
      const figure = row.querySelector("figure[data-role=daily]");
      if (figure && u.byDay) redrawDaily(figure, name, u.byDay);
    }
  }
  function keepUsageFresh() {
    if (!document.querySelector(".usage-row")) return;
    window.setInterval(() => {
      if (document.visibilityState !== "visible") return;
      send("GET", "/api/usage").then((answer) => applyUsage(answer?.usage ?? [])).catch(() => void 0);
    }, USAGE_REFRESH_MS);
  }

  // services/app/src/browser-script/page/main.ts
  var ACTIONS = { ...BILLING_ACTIONS, ...TEAM_AND_KEY_ACTIONS };
  document.documentElement.classList.add("js");
  document.addEventListener("click", (event) => {
    const button = clicked(event, "button[data-action]");
    const action = button ? ACTIONS[button.getAttribute("data-action") ?? ""] : void 0;
    if (!button || !action) return;
    event.preventDefault();
    runAction(action, button);
  });
  wireSeatsForm();
  wireTeamAndKeys();
  keepUsageFresh();
  showPendingSuccess();
  void payAfterCardUpdate();
})();
