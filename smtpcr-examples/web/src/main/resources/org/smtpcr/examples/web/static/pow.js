/*
 * SMTPCR challenge page: runs the proof-of-work check (scheme smtpcr-pow-v2) in a Web Worker and
 * sends the answer with the form. The challenge and difficulty come from the server (data-challenge,
 * data-bits); the form sends back the server's issued/bits/stamp fields untouched, plus the nonce.
 * No inline script: the page's Content-Security-Policy forbids it. Every text comes from the page,
 * in the form's data-text-* attributes (so that the page can translate them), with {0} filled in
 * here. While it works, the page shows a progress bar and, once the rate of this browser is known,
 * an estimate of the time left (from the expected 2^bits attempts); the status line (role=status,
 * polite) is updated at most every few seconds so that a screen reader is not flooded.
 */
(function () {
  'use strict';

  var scriptUrl = document.currentScript ? document.currentScript.src : '';

  function start() {
    var form = document.getElementById('pow-form');
    if (!form) {
      return;
    }
    form.hidden = false;
    var status = document.getElementById('pow-status');
    var progress = document.getElementById('pow-progress');
    var button = document.getElementById('pow-button');
    var nonceField = form.elements.namedItem('nonce');
    var clickNeeded = form.getAttribute('data-auto') === 'click';
    var found = false;
    var wanted = false;
    var sent = false;

    function text(name, arg) {
      var t = form.getAttribute('data-text-' + name) || '';
      return arg === undefined ? t : t.split('{0}').join(String(arg));
    }

    function say(message, state) {
      status.textContent = message;
      form.setAttribute('data-state', state);
    }

    var bits = Number(form.getAttribute('data-bits'));
    var expected = Math.pow(2, bits);
    var started = 0;
    var lastSaid = 0;
    var ANNOUNCE_MS = 5000;

    function onProgress(attempts) {
      var now = Date.now();
      var elapsed = now - started;
      if (progress) {
        progress.hidden = false;
        progress.value = Math.min(99, Math.floor(100 * attempts / expected));
      }
      if (elapsed < 1000 || now - lastSaid < ANNOUNCE_MS || wanted) {
        return;
      }
      lastSaid = now;
      var rate = attempts / elapsed;
      if (attempts < expected && rate > 0) {
        var left = Math.max(1, Math.ceil((expected - attempts) / rate / 1000));
        say(text('progress', left), 'working');
      } else {
        say(text('longer'), 'working');
      }
    }

    function send() {
      if (sent) {
        return;
      }
      sent = true;
      button.disabled = true;
      if (progress) {
        progress.value = 100;
      }
      say(text('sending'), 'sending');
      form.submit();
    }

    if (!window.isSecureContext || !window.crypto || !window.crypto.subtle || !window.Worker) {
      say(text('insecure'), 'insecure');
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
        say(text('still'), 'working');
      }
    });

    var worker;
    try {
      worker = new Worker(new URL('pow-worker.js', scriptUrl || document.baseURI).href);
    } catch (e) {
      say(text('nostart'), 'error');
      status.className = 'problem';
      return;
    }
    worker.onmessage = function (event) {
      var m = event.data;
      if (m.type === 'progress') {
        onProgress(Number(m.attempts));
      } else if (m.type === 'found') {
        worker.terminate();
        if (progress) {
          progress.value = 100;
        }
        nonceField.value = String(m.nonce);
        found = true;
        if (!clickNeeded || wanted) {
          send();
        } else {
          say(text('found'), 'found');
          button.focus();
        }
      } else if (m.type === 'error') {
        worker.terminate();
        say(text('failed', m.message), 'error');
        status.className = 'problem';
      }
    };
    worker.onerror = function (event) {
      event.preventDefault();
      say(text('broken'), 'error');
      status.className = 'problem';
    };
    say(text('working'), 'working');
    started = Date.now();
    lastSaid = started;
    worker.postMessage({ challenge: form.getAttribute('data-challenge'), bits: bits });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
