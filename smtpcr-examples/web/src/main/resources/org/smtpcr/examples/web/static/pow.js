/*
 * SMTPCR challenge page: runs the proof-of-work check (scheme smtpcr-pow-v2) in a Web Worker and
 * sends the answer with the form. The challenge and difficulty come from the server (data-challenge,
 * data-bits); the form sends back the server's issued/bits/stamp fields untouched, plus the nonce.
 * No inline script: the page's Content-Security-Policy forbids it.
 */
(function () {
  'use strict';

  var scriptUrl = document.currentScript ? document.currentScript.src : '';

  function start() {
    var form = document.getElementById('pow-form');
    if (!form) {
      return;
    }
    var status = document.getElementById('pow-status');
    var button = document.getElementById('pow-button');
    var nonceField = form.elements.namedItem('nonce');
    var clickNeeded = form.getAttribute('data-auto') === 'click';
    var found = false;
    var wanted = false;
    var sent = false;

    function say(text, state) {
      status.textContent = text;
      form.setAttribute('data-state', state);
    }

    function send() {
      if (sent) {
        return;
      }
      sent = true;
      button.disabled = true;
      say('Done. Confirming\u2026', 'sending');
      form.submit();
    }

    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || !window.Worker) {
      say('This check cannot run on this connection. Your browser allows it only over a secure '
        + 'connection: open this link over https (the address must start with https://).', 'insecure');
      status.className = 'problem';
      button.disabled = true;
      return;
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      wanted = true;
      if (found) {
        send();
      } else {
        say('Still checking\u2026 the page continues by itself when the check is done.', 'working');
      }
    });

    var worker;
    try {
      worker = new Worker(new URL('pow-worker.js', scriptUrl || document.baseURI).href);
    } catch (e) {
      say('The check could not start in this browser. Try another browser.', 'error');
      status.className = 'problem';
      return;
    }
    worker.onmessage = function (event) {
      var m = event.data;
      if (m.type === 'found') {
        worker.terminate();
        nonceField.value = String(m.nonce);
        found = true;
        if (!clickNeeded || wanted) {
          send();
        } else {
          say('Check done. Press the button to confirm.', 'found');
          button.focus();
        }
      } else if (m.type === 'error') {
        worker.terminate();
        say('The check failed in this browser (' + m.message + '). Try another browser.', 'error');
        status.className = 'problem';
      }
    };
    worker.onerror = function (event) {
      event.preventDefault();
      say('The check could not run in this browser. Try another browser.', 'error');
      status.className = 'problem';
    };
    say('Checking that a person is here\u2026 this takes a few seconds.', 'working');
    worker.postMessage({ challenge: form.getAttribute('data-challenge'), bits: Number(form.getAttribute('data-bits')) });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
