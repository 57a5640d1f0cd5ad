/*
 * SMTPCR proof-of-work worker, scheme smtpcr-pow-v2: finds the smallest nonce such that
 * SHA-256(challenge || nonce as 8 bytes big-endian) starts with `bits` zero bits. The server issues
 * the challenge and the difficulty (signed, with the time, in the form's `stamp`); this worker only
 * does the work, it cannot choose either. It reports the attempts made so far ({type: 'progress'})
 * so that the page can show how far it is.
 */
'use strict';

var BATCH = 64;
// a progress message every PROGRESS_EVERY attempts (about every 10 to 50 ms in a browser)
var PROGRESS_EVERY = 1024;

function leadingZeroBits(bytes) {
  var n = 0;
  for (var i = 0; i < bytes.length; i++) {
    var b = bytes[i];
    if (b === 0) {
      n += 8;
      continue;
    }
    while ((b & 0x80) === 0) {
      n++;
      b <<= 1;
    }
    return n;
  }
  return n;
}

async function solve(challenge, bits) {
  for (var base = 0; base < Number.MAX_SAFE_INTEGER; base += BATCH) {
    var jobs = [];
    for (var k = 0; k < BATCH; k++) {
      var input = new Uint8Array(40);
      input.set(challenge, 0);
      var view = new DataView(input.buffer);
      var nonce = base + k;
      view.setUint32(32, Math.floor(nonce / 4294967296));
      view.setUint32(36, nonce >>> 0);
      jobs.push(crypto.subtle.digest('SHA-256', input));
    }
    var digests = await Promise.all(jobs);
    for (var j = 0; j < BATCH; j++) {
      if (leadingZeroBits(new Uint8Array(digests[j])) >= bits) {
        return base + j;
      }
    }
    if ((base + BATCH) % PROGRESS_EVERY === 0) {
      self.postMessage({ type: 'progress', attempts: base + BATCH });
    }
  }
  throw new Error('no answer found');
}

self.onmessage = function (event) {
  var hex = String(event.data.challenge);
  var bits = Number(event.data.bits);
  if (!/^[0-9a-f]{64}$/.test(hex) || !(bits >= 0 && bits <= 40)) {
    self.postMessage({ type: 'error', message: 'bad challenge' });
    return;
  }
  var challenge = new Uint8Array(32);
  for (var i = 0; i < 32; i++) {
    challenge[i] = parseInt(hex.substr(2 * i, 2), 16);
  }
  solve(challenge, bits).then(function (nonce) {
    self.postMessage({ type: 'found', nonce: nonce });
  }, function (e) {
    self.postMessage({ type: 'error', message: String(e && e.message ? e.message : e) });
  });
};
