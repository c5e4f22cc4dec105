// A tiny soft_intro model whose learned mixture clips its log-variances (clip_logvar), for the tests
// of the clip and of soft_intro on wasm.
export const CLIP_SPEC = `
model clipped {
  data x : Real[2] ~ gaussian_clusters(k: 4, radius: 2, std: 0.1, n: 64, validation: 16)
  encoder q(y | x) = mlp(2, [4], 4)
  intermediary y : Real[2] ~ MixtureOfGaussians(k: 4, learnable: true, clip_logvar: true)
  decoder p(x | y) : Gaussian(sigma: 0.5) = mlp(2, [3], 2)
  train {
    scheme: soft_intro(beta_neg: 2, gamma_r: 0.1, vae_steps: 2, responsibility: 0.1)
    optimizers: groups(encoder: adam(lr: 1e-2), decoder: adam(lr: 1e-2), prior: adam(lr: 5e-2))
    batch: 16
    epochs: 2
    seed: 3
    log_every: 1
  }
}
`;
