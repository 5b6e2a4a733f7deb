// Wires the billing page's buttons to the JSON API. Every state change is a JSON POST (the API
// refuses anything else, as a CSRF guard); a response with a `url` (Checkout, portal) navigates
// there, anything else reloads the page so it renders the new state from the server.
'use strict';
(function () {
  var endpoints = {
    checkout: '/api/checkout',
    'change-plan': '/api/subscription/plan',
    cancel: '/api/subscription/cancel',
    resume: '/api/subscription/resume',
    portal: '/api/portal',
  };
  var confirmations = {
    cancel: 'Cancel your subscription at the end of the current period?',
    'change-plan': 'Switch plan now? The difference is prorated.',
  };
  function flash(message) {
    var el = document.getElementById('flash');
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
  }
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!target) return;
    var action = target.getAttribute('data-action');
    var endpoint = endpoints[action];
    if (!endpoint) return;
    event.preventDefault();
    if (confirmations[action] && !window.confirm(confirmations[action])) return;
    var lookupKey = target.getAttribute('data-lookup-key');
    target.disabled = true;
    fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(lookupKey ? { lookupKey: lookupKey } : {}),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error((body && body.error && body.error.message) || 'Request failed');
          if (body && typeof body.url === 'string') window.location.assign(body.url);
          else window.location.reload();
        });
      })
      .catch(function (err) {
        target.disabled = false;
        flash(err.message || 'Something went wrong');
      });
  });
})();
