// The settings of a model's `train { … }` block, with their defaults. `optimizer` takes an optimizer
// call (optimizers.ts); the others take a literal. Command-line flags (`--epochs`, `--backend`) override.
import { COUNT, NONNEG, NONNEG_INT, opt, POSITIVE } from "./define";
import type { BuiltinParam } from "./types";

export const TRAIN_SETTINGS: readonly BuiltinParam[] = [
  opt("optimizer", "any", "adam", "an optimizer call, e.g. adam(lr: 1e-3); the default is adam()"),
  opt("optimizers", "any", null, "optimizer groups named after the model's parts, each with its own optimizer: groups(encoder: adam(lr: 2e-4), decoder: adam(lr: 2e-4), prior: adam(lr: 2e-4)); a part is encoder, decoder, prior, mapping (default: the decoder's group) or the encoder's or decoder's network name; instead of optimizer"),
  opt("scheme", "any", null, "a training scheme with several players, e.g. soft_intro(beta_neg: 256); none = every group steps on the objective"),
  opt("batch", "Int", 100, "minibatch size", COUNT),
  opt("epochs", "Int", 50, "passes over the training data", COUNT),
  opt("min_epochs", "Int", 0, "early stopping never stops before this epoch (the paper's least_epoch)", NONNEG_INT),
  opt("early_stop", "Int", null, "stop after this many validations without improvement of `monitor`; none = never (needs validation data)", COUNT),
  opt("monitor", "String", "validation_loss", '"validation_loss" or "train_loss": what early stopping and best-checkpoint selection watch', ["validation_loss", "train_loss"]),
  opt("seed", "Int", 1, "seeds data order, initialisation and every random draw (same spec + seed + backend → same numbers)", NONNEG_INT),
  opt("validation_every", "Int", 1, "epochs between validations", COUNT),
  opt("checkpoint_every", "Int", 1, "epochs between checkpoints (also written on Ctrl-C and at the end)", COUNT),
  opt("checkpoint_steps", "Int", null, "also save the `last` checkpoint every this many optimizer steps within an epoch; none = off", COUNT),
  opt("checkpoint_minutes", "Real", 10, "also save the `last` checkpoint within an epoch once this many minutes have passed since the previous one; 0 = off", NONNEG),
  opt("keep_checkpoints", "Int", 2, "most recent checkpoints kept, besides the best", COUNT),
  opt("log_every", "Int", 50, "steps between lines in metrics.jsonl", COUNT),
  opt("clip_norm", "Real", null, "clip the global gradient norm to this; none = no clipping", POSITIVE),
  opt("lr_schedule", "String", "constant", '"constant", "cosine" (to 0 at the last epoch) or "exponential" (× lr_decay per epoch)', ["constant", "cosine", "exponential"]),
  opt("lr_decay", "Real", 1, "per-epoch factor of the exponential schedule", "(0, 1]"),
  opt("lr_warmup", "Int", 0, "steps of linear learning-rate warm-up from 0", NONNEG_INT),
  opt("shuffle", "Bool", true, "reshuffle the training data every epoch"),
  opt("max_steps", "Int", null, "stop after this many optimizer steps; none = no limit", COUNT),
  opt("backend", "String", "auto", '"auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm" or "cpu"'),
];
