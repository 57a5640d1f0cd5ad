/*
 * The proof of work of the challenge page (smtpcr-pow-v2, docs/challenge-page.md) solved by a
 * native program, as an attacker would run it: OpenSSL's SHA-256 (SHA instructions where the CPU
 * has them), one thread. Solves SOLVES fresh challenges at BITS and prints the mean as properties
 * for benchmarks/run.sh, score in ms per solve (CPU time of this process, so other load on the machine adds little).
 *
 *   cc -O2 -Wno-deprecated-declarations -o pow-solve benchmarks/src/main/c/pow_solve.c -lcrypto && ./pow-solve 18 2000
 */
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int leading_zero_bits(const unsigned char *d) {
  int n = 0;
  for (int i = 0; i < 32; i++, n += 8) {
    if (d[i]) return n + __builtin_clz(d[i]) - 24;
  }
  return n;
}

static double seconds(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: pow-solve BITS SOLVES\n");
    return 2;
  }
  int bits = atoi(argv[1]);
  long solves = atol(argv[2]);
  unsigned char input[40], out[32];
  char page[96];
  uint64_t hashes = 0;
  double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
  for (long s = 0; s < solves; s++) {
    /* the challenge of page s: SHA-256("smtpcr-pow-v2" 0 stamp), the stamp as 33 hex digits */
    int len = snprintf(page, sizeof page, "smtpcr-pow-v2%c%033lx", 0, s);
    SHA256((const unsigned char *) page, (size_t) len, input);
    for (uint64_t nonce = 0;; nonce++) {
      for (int i = 0; i < 8; i++) input[32 + i] = (unsigned char) (nonce >> (56 - 8 * i));
      SHA256_CTX c; /* the low-level calls: SHA256() fetches an EVP method on every call */
      SHA256_Init(&c);
      SHA256_Update(&c, input, sizeof input);
      SHA256_Final(out, &c);
      hashes++;
      if (leading_zero_bits(out) >= bits) break;
    }
  }
  double cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = seconds(CLOCK_MONOTONIC) - wall0;
  printf("bits=%d\nsolves=%ld\nscore=%.3f\ncpuSeconds=%.3f\nwallSeconds=%.3f\n", bits, solves,
         cpu * 1e3 / solves, cpu, wall);
  printf("hashesPerSolve=%.0f\nnsPerHash=%.2f\n", (double) hashes / solves, cpu * 1e9 / hashes);
  return 0;
}
