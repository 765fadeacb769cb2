// The standard normal distribution's upper tail, for one-sided z-tests.

/** erfc(x) for x >= 0 (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
function erfcNonNegative(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + poly);
}

/** P(Z >= z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z) / Math.SQRT2;
  const half = 0.5 * erfcNonNegative(x);
  return z >= 0 ? half : 1 - half;
}
