// The small model specs many tests compile: ring data (or another source), MLPs of one hidden layer,
// a Gaussian likelihood; each test states only what it varies (y's size, the mapping, the prior, …).
export interface TinySpec {
  /** D of y : Real[D] */
  d?: number;
  mapping?: string;
  prior?: string;
  /** `x : Real[…] ~ …` after `data` */
  data?: string;
  hidden?: number;
  sigma?: number;
  objective?: string;
  train?: string;
  name?: string;
}

export function tinySpec(o: TinySpec = {}): string {
  const h = o.hidden ?? 6;
  return [
    `import "prelude"`,
    `model ${o.name ?? "m"} {`,
    `  data ${o.data ?? "x : Real[2] ~ ring(n: 100)"}`,
    `  encoder q(y | x) = mlp_encoder(hidden: [${h}])`,
    `  intermediary y : Real[${o.d ?? 2}] ~ ${o.prior ?? "Normal(0, I)"}`,
    `  mapping z = ${o.mapping ?? "identity(y)"}`,
    `  decoder p(x | z) : Gaussian(sigma: ${o.sigma ?? 0.5}) = mlp_decoder(hidden: [${h}])`,
    ...(o.objective ? [`  objective ${o.objective}`] : []),
    ...(o.train ? [`  train { ${o.train} }`] : []),
    `}`,
    ``,
  ].join("\n");
}

/** 60 noisy ring points, 10 of them held out */
export const RING_SMALL = "x : Real[2] ~ ring(n: 60, radius: 2, noise: 0.05, validation: 10)";
