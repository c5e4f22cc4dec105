// Optimizers: `train { optimizer: adam(lr: 1e-3) }`. Gradient clipping and learning-rate schedules
// are training settings (train-settings.ts), common to every optimizer.
import { FRACTION, maker, opt, POSITIVE } from "./define";
import type { Builtin } from "./types";

const optimizer = maker("optimizer");

export const OPTIMIZERS: readonly Builtin[] = [
  optimizer(
    "adam",
    [opt("lr", "Real", 1e-3, "learning rate", POSITIVE), opt("beta1", "Real", 0.9, undefined, FRACTION), opt("beta2", "Real", 0.999, undefined, FRACTION), opt("eps", "Real", 1e-7, undefined, POSITIVE)],
    "Adam (Kingma & Ba 2015), as in the paper's code (Keras defaults)",
  ),
  optimizer(
    "sgd",
    [opt("lr", "Real", 1e-2, "learning rate", POSITIVE), opt("momentum", "Real", 0, undefined, FRACTION), opt("nesterov", "Bool", false)],
    "stochastic gradient descent, with optional (Nesterov) momentum",
  ),
  optimizer(
    "rmsprop",
    [opt("lr", "Real", 1e-3, "learning rate", POSITIVE), opt("decay", "Real", 0.9, "of the squared-gradient average", FRACTION), opt("momentum", "Real", 0, undefined, FRACTION), opt("eps", "Real", 1e-7, undefined, POSITIVE)],
    "RMSProp (Tieleman & Hinton 2012)",
  ),
];
