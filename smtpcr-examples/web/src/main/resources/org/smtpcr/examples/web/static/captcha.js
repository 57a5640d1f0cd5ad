/*
 * SMTPCR challenge page: shows the hosted CAPTCHA's form (check turnstile, hcaptcha or recaptcha),
 * which the page renders hidden. Without scripts the provider's widget cannot run, so the form stays
 * hidden and the page's no-JavaScript check, inside <noscript>, is the way to confirm. The widget
 * itself comes from the provider's api.js and adds its response field to the form; this file does
 * nothing else. No inline script: the page's Content-Security-Policy forbids it.
 */
'use strict';
(function () {
  var form = document.getElementById('captcha-form');
  if (form) {
    form.hidden = false;
  }
})();
