// Wires the billing page's buttons and the API-key form to the JSON API. Every state change is a
// JSON request (the API refuses anything else, as a CSRF guard); a response with a `url`
// (Checkout, portal) navigates there, anything else reloads the page so it renders the new state
// from the server. A plan or seats change is confirmed with what it costs, previewed by the API.
// A new API key's secret is shown once, in place, and never reloaded. The account switcher and the
// team section (members, invitations) work the same way; so does the invitation page's Accept.
'use strict';
(function () {
  // As the server writes them (shared/src/money/format-money.ts, pages/format.ts): en-US, dates in
  // UTC. The browser cannot import that module: keep the currency lists the same.
  function money(cents, currency) {
    var zeroDecimal = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
    var threeDecimal = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];
    var code = currency.toLowerCase();
    var per = zeroDecimal.indexOf(code) >= 0 ? 1 : threeDecimal.indexOf(code) >= 0 ? 1000 : 100;
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: code.toUpperCase() }).format(cents / per);
  }
  function day(unixSeconds) {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(unixSeconds * 1000));
  }

  /** What a previewed change costs, in a sentence (the API's ChangePreview). */
  function costOf(preview) {
    var c = preview.currency;
    if (preview.invoicedNow) {
      return preview.amountDueNow > 0
        ? 'You will be charged ' + money(preview.amountDueNow, c) + ' now: a new billing period starts today, and the unused time on your current plan is credited.'
        : 'Nothing is due now: a new billing period starts today, and the credit for the unused time on your current plan covers it.';
    }
    var when = preview.nextInvoiceAt ? ' on ' + day(preview.nextInvoiceAt) : '';
    if (preview.proration > 0) return money(preview.proration, c) + ' for the rest of this period will be added to your next invoice' + when + '.';
    if (preview.proration < 0) return money(-preview.proration, c) + ' for the unused part of this period will be credited on your next invoice' + when + '.';
    return 'Nothing is charged for the change before your next invoice' + when + '.';
  }

  /** Per `data-action`: the question to confirm (a string, or a promise of one for a previewed change). */
  var confirmations = {
    cancel: function () {
      return 'Cancel your subscription at the end of the current period?';
    },
    'change-plan': function (button) {
      return send('POST', '/api/subscription/plan/preview', { lookupKey: button.getAttribute('data-lookup-key') }).then(function (preview) {
        return 'Switch to ' + button.getAttribute('data-change') + ' now? ' + costOf(preview);
      });
    },
    'revoke-key': function (button) {
      return 'Revoke the API key "' + button.getAttribute('data-key-name') + '"? Programs using it are refused at once.';
    },
    'remove-member': function (button) {
      return 'Remove ' + button.getAttribute('data-member') + ' from the team? They lose its plan at once.';
    },
    'leave-team': function () {
      return 'Leave this team? You lose its plan at once, and need a new invitation to come back.';
    },
    'revoke-invitation': function (button) {
      return 'Revoke the invitation to ' + button.getAttribute('data-member') + '? Its link stops working.';
    },
  };

  /** Shows an error in the section the control sits in (else at the top of the page). */
  function flash(control, message) {
    var section = control.closest('section');
    var el = (section && section.querySelector('[data-role=flash]')) || document.getElementById('flash');
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
  }

  /**
   * Sends JSON; resolves with the parsed answer (null for 204), rejects with the API's message (the
   * error's other fields, such as a refusal's `reason`, in `details`).
   */
  function send(method, url, body) {
    return fetch(url, {
      method: method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      if (res.status === 204) return null;
      return res
        .json()
        .catch(function () {
          return null; // not JSON (e.g. a proxy's error page)
        })
        .then(function (answer) {
          if (!res.ok) {
            var err = new Error((answer && answer.error && answer.error.message) || 'Request failed (' + res.status + ')');
            err.details = (answer && answer.error) || {};
            throw err;
          }
          return answer;
        });
    });
  }

  function keyUrl(button) {
    return '/api/keys/' + encodeURIComponent(button.getAttribute('data-key-id'));
  }

  /** A request whose answer needs nothing but a reload of the page. */
  function request(method, url) {
    return function () {
      return send(method, url);
    };
  }

  /**
   * An action that POSTs to `url`, with the button's lookup key when it has one, and the seats
   * chosen in the button's plan card when the plan is priced per seat.
   */
  function post(url) {
    return function (button) {
      var body = {};
      var lookupKey = button.getAttribute('data-lookup-key');
      if (lookupKey) body.lookupKey = lookupKey;
      var card = button.closest('.card');
      var seats = card && card.querySelector('input[name=seats]');
      if (seats) body.seats = Number(seats.value);
      return function () {
        return send('POST', url, body);
      };
    };
  }

  /** Per `data-action`: given the button, the request to make, or null when the user backed out. */
  var actions = {
    checkout: post('/api/checkout'),
    'change-plan': post('/api/subscription/plan'),
    cancel: post('/api/subscription/cancel'),
    resume: post('/api/subscription/resume'),
    portal: post('/api/portal'),
    'revoke-key': function (button) {
      return function () {
        return send('DELETE', keyUrl(button));
      };
    },
    'rename-key': function (button) {
      var name = window.prompt('New name for this API key', button.getAttribute('data-key-name') || '');
      if (name === null || name.trim() === '') return null;
      return function () {
        return send('PATCH', keyUrl(button), { name: name.trim() });
      };
    },
    'remove-member': function (button) {
      return request('DELETE', '/api/team/members/' + encodeURIComponent(button.getAttribute('data-user-id')));
    },
    // The server makes the personal account active again: the reload shows it.
    'leave-team': function () {
      return request('POST', '/api/team/leave');
    },
    'revoke-invitation': function (button) {
      return request('DELETE', '/api/team/invitations/' + encodeURIComponent(button.getAttribute('data-invitation-id')));
    },
    // The server makes the team the active account: the billing page then shows it.
    'accept-invitation': function (button) {
      return function () {
        return send('POST', '/api/invitations/' + encodeURIComponent(button.getAttribute('data-invitation-id')) + '/accept').then(function () {
          return { url: '/billing' };
        });
      };
    },
  };

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    var action = target && actions[target.getAttribute('data-action')];
    if (!action) return;
    event.preventDefault();
    var confirmation = confirmations[target.getAttribute('data-action')];
    target.disabled = true; // while a preview loads, and while the request runs
    Promise.resolve(confirmation ? confirmation(target) : null)
      .then(function (question) {
        var request = question === null || window.confirm(question) ? action(target) : null;
        if (!request) {
          target.disabled = false;
          return;
        }
        return request().then(function (answer) {
          if (answer && typeof answer.url === 'string') window.location.assign(answer.url);
          else window.location.reload();
        });
      })
      .catch(function (err) {
        target.disabled = false;
        flash(target, err.message || 'Something went wrong');
      });
  });

  // Seats of a plan priced per seat: changed at once, with proration, once its cost is confirmed.
  var seatsForm = document.querySelector('form.seats-form');
  if (seatsForm) {
    seatsForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var seats = Number(seatsForm.elements.seats.value);
      var button = seatsForm.querySelector('button[type=submit]');
      button.disabled = true;
      send('POST', '/api/subscription/seats/preview', { seats: seats })
        .then(function (preview) {
          if (!window.confirm('Change to ' + seats + (seats === 1 ? ' seat' : ' seats') + ' now? ' + costOf(preview))) {
            button.disabled = false;
            return;
          }
          return send('POST', '/api/subscription/seats', { seats: seats }).then(function () {
            window.location.reload();
          });
        })
        .catch(function (err) {
          button.disabled = false;
          flash(seatsForm, err.message || 'Something went wrong');
        });
    });
  }

  // Creating a key: the secret is in this one response only, so it is shown here until "Done".
  var form = document.querySelector('form.create-key');
  var panel = document.querySelector('[data-testid=new-key]');
  if (form && panel) {
    var secret = panel.querySelector('[data-testid=new-key-secret]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      send('POST', '/api/keys', { name: form.elements.name.value })
        .then(function (created) {
          panel.querySelector('[data-role=new-key-name]').textContent = created.name;
          secret.textContent = created.key;
          panel.hidden = false;
          form.hidden = true;
          form.reset();
        })
        .catch(function (err) {
          flash(form, err.message || 'Something went wrong');
        })
        .then(function () {
          button.disabled = false;
        });
    });
    panel.querySelector('[data-role=copy-key]').addEventListener('click', function (event) {
      var copy = event.currentTarget;
      var copied = navigator.clipboard ? navigator.clipboard.writeText(secret.textContent) : Promise.reject(new Error('no clipboard'));
      copied.then(
        function () {
          copy.textContent = 'Copied';
        },
        function () {
          // No clipboard access (an older browser, a denied permission): select it for Ctrl-C.
          window.getSelection().selectAllChildren(secret);
        },
      );
    });
    panel.querySelector('[data-role=done-key]').addEventListener('click', function () {
      window.location.reload();
    });
  }

  // The account switcher: the choice is a cookie the server sets; the page is then rendered for it
  // (at /billing, so that a Checkout return's banner is not shown for another account).
  var switcher = document.querySelector('select[data-role=switch-account]');
  if (switcher) {
    var active = switcher.value;
    switcher.addEventListener('change', function () {
      switcher.disabled = true;
      send('POST', '/api/accounts/active', { accountId: switcher.value })
        .then(function () {
          window.location.assign('/billing');
        })
        .catch(function (err) {
          switcher.value = active;
          switcher.disabled = false;
          flash(switcher, err.message || 'Something went wrong');
        });
    });
  }

  /** Submits a form's fields as JSON with its button disabled meanwhile; `done` gets the answer. */
  function jsonForm(form, body, done, failed) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      body()
        .then(done)
        .catch(function (err) {
          button.disabled = false;
          if (!failed || !failed(err)) flash(form, err.message || 'Something went wrong');
        });
    });
  }

  // A new team becomes the active account (the server sets the cookie).
  var createTeam = document.querySelector('form.create-team');
  if (createTeam) {
    jsonForm(
      createTeam,
      function () {
        return send('POST', '/api/teams', { name: createTeam.elements.name.value });
      },
      function () {
        window.location.assign('/billing');
      },
    );
  }

  // Inviting: the reload lists the invitation with its acceptance link to copy. A refusal for want
  // of seats says so with "Add seats", which goes to the seats form (or, without a per-seat
  // subscription, to the plans) with the seats needed filled in.
  var invite = document.querySelector('form.invite-form');
  var exhausted = document.querySelector('[data-testid=seats-exhausted]');
  if (invite) {
    jsonForm(
      invite,
      function () {
        if (exhausted) exhausted.hidden = true;
        return send('POST', '/api/team/invitations', { email: invite.elements.email.value, role: invite.elements.role.value });
      },
      function () {
        window.location.reload();
      },
      function (err) {
        if (!exhausted || !err.details || err.details.reason !== 'seats_exhausted') return false;
        exhausted.querySelector('[data-role=message]').textContent = err.message;
        exhausted.setAttribute('data-seats-needed', String(((err.details.seats && err.details.seats.used) || 0) + 1));
        exhausted.hidden = false;
        return true;
      },
    );
  }
  if (exhausted) {
    exhausted.querySelector('[data-role=add-seats]').addEventListener('click', function () {
      var target = document.getElementById('seats') || document.getElementById('plans');
      if (!target) return;
      var seats = document.querySelector('#seats input[name=seats]') || document.querySelector('#plans [data-plan=team] input[name=seats]');
      var needed = Number(exhausted.getAttribute('data-seats-needed'));
      if (seats && needed > Number(seats.value) && needed <= Number(seats.max)) seats.value = String(needed);
      target.scrollIntoView({ block: 'center' });
      if (seats) seats.focus();
    });
  }

  // A member's role: changed at once; one's own is confirmed first (an admin who steps down loses
  // billing and members, and cannot undo it).
  document.addEventListener('change', function (event) {
    var select = event.target instanceof Element ? event.target.closest('select[data-role=member-role]') : null;
    if (!select) return;
    var was = select.querySelector('option[selected]');
    if (select.getAttribute('data-self') === 'true' && !window.confirm('Change your own role to ' + select.value + '? You may not be able to change it back.')) {
      if (was) select.value = was.value;
      return;
    }
    select.disabled = true;
    send('PATCH', '/api/team/members/' + encodeURIComponent(select.getAttribute('data-user-id')), { role: select.value })
      .then(function () {
        window.location.reload();
      })
      .catch(function (err) {
        if (was) select.value = was.value;
        select.disabled = false;
        flash(select, err.message || 'Something went wrong');
      });
  });

  // An invitation's acceptance link, copied to send to the invitee (no email is sent).
  document.addEventListener('click', function (event) {
    var copy = event.target instanceof Element ? event.target.closest('button[data-role=copy-link]') : null;
    var link = copy && copy.parentElement.querySelector('input[data-role=invite-link]');
    if (!link) return;
    var copied = navigator.clipboard ? navigator.clipboard.writeText(link.value) : Promise.reject(new Error('no clipboard'));
    copied.then(
      function () {
        copy.textContent = 'Copied';
      },
      function () {
        // No clipboard access: select it for Ctrl-C.
        link.focus();
        link.select();
      },
    );
  });
})();
