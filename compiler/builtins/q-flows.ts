// Encoder flows (`objective elbo(q_flow: sylvester(amortised: true))`, context "q_flow"): q(y|x) is
// y = f(y₀), y₀ ~ N(μ(x), σ²(x)), f a stack of `q_flow_layers` invertible layers. Global (the
// default, and the old string form `q_flow: "sylvester"`): f's parameters are learned with the model,
// the same for every x. Amortised (van den Berg et al. 2018, the InteL paper's Sylvester baseline):
// the encoder's head emits them per datapoint, next to (μ, log σ²), from the same features.
// The lowering is compiler/lower/q-flow.ts, the math runtime/objectives/q-flow*.ts.
import { COUNT, maker, opt } from "./define";
import type { Builtin } from "./types";

const qFlow = maker("q_flow");

const AMORTISED = opt(
  "amortised",
  "Bool",
  false,
  "true: the encoder emits the flow's parameters per datapoint (x → features → μ, log σ², flow parameters); false: one set of learned parameters for every x",
);

export const Q_FLOWS: readonly Builtin[] = [
  qFlow("planar", [AMORTISED], "planar layers (Rezende & Mohamed 2015), f(y) = y + û·tanh(wᵀy + b) with wᵀû > −1; amortised: 2·D + 1 encoder outputs per layer"),
  qFlow(
    "sylvester",
    [
      AMORTISED,
      opt("reflections", "Int", null, "amortised only: Householder reflections making Q (D × D, orthogonal); none = D, which reaches every orthogonal Q", COUNT),
    ],
    "Householder-Sylvester layers (van den Berg et al. 2018), f(y) = y + Q·R·tanh(R̃·Qᵀ·y + b), R and R̃ upper triangular with tanh'd diagonals so that every Jacobian factor 1 + h'ᵢ·rᵢᵢ·r̃ᵢᵢ > 0; amortised: H·D + D² + 3·D encoder outputs per layer (H reflections)",
  ),
];
