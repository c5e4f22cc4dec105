// Training schemes with several players: `train { scheme: soft_intro(…), optimizers: groups(…) }`.
// Without a scheme every optimizer group steps on the objective's one loss. Each scheme is described
// once: its signature, the schema of its IR node (`ir.train.scheme`) and its lowering; the runtime
// implements each kind once (runtime/train/schemes/).
import { z } from "zod";
import type { Value } from "../ir/types";
import { maker, NONNEG, NONNEG_INT, opt, POSITIVE } from "./define";
import type { Builtin } from "./types";

const scheme = maker("scheme");

/** The players a scheme trains, each with its own loss; every optimizer group belongs to one. */
export type Player = "encoder" | "decoder";

export const SOFT_INTRO_IR = z.object({
  kind: z.literal("soft_intro"),
  betaRec: z.number().positive(),
  betaKl: z.number().min(0),
  betaNeg: z.number().positive(),
  gammaR: z.number().min(0),
  /** α of the exponential ELBO (the paper's 2) */
  alpha: z.number().positive(),
  /** plain ELBO steps (all players on one loss) before the introspective game */
  vaeSteps: z.int().min(0),
  /** the learned mixture prior's regularisers (Athanasiadis et al. 2025) */
  responsibility: z.number().min(0),
  resetInactive: z.int().min(0),
});

export const SCHEME_IR = z.discriminatedUnion("kind", [SOFT_INTRO_IR]);
export type SchemeIR = z.infer<typeof SCHEME_IR>;

export interface SchemeDescriptor extends Builtin {
  context: "scheme";
  kind: SchemeIR["kind"];
  /** the players, in the order they step */
  players: readonly Player[];
  lower(args: Record<string, Value>, num: (k: string) => number): SchemeIR;
}

const softIntro: SchemeDescriptor = {
  ...scheme(
    "soft_intro",
    [
      opt("beta_rec", "Real", 1, "weight of the reconstruction terms", POSITIVE),
      opt("beta_kl", "Real", 1, "weight of the real data's KL (encoder) and of the fakes' KL (decoder)", NONNEG),
      opt("beta_neg", "Real", 256, "weight of the fakes' KL inside the encoder's exp(α·ELBO)", POSITIVE),
      opt("gamma_r", "Real", 1e-8, "weight of the fakes' reconstruction in the decoder's loss", NONNEG),
      opt("alpha", "Real", 2, "α of the encoder's (1/α)·exp(α·ELBO) of fakes (the paper's 2)", POSITIVE),
      opt("vae_steps", "Int", 0, "optimizer steps of plain ELBO training before the introspective game (the published 2-D code's num_vae)", NONNEG_INT),
      opt("responsibility", "Real", 0, "weight of the responsibility regulariser: −entropy of the batch's mean mixture responsibilities, in the decoder's (and prior's) loss", NONNEG),
      opt("reset_inactive", "Int", 0, "every this many steps, mixture modes of weight below (1/K)² are reset around the heaviest one; 0 = never", NONNEG_INT),
    ],
    "Soft-IntroVAE (Daniel & Tamar 2021, Algorithm 1): the encoder minimises the real ELBO terms plus (1/α)·exp(α·ELBO) of reconstructed and generated samples; the decoder (with the mapping and the prior) minimises the reconstruction plus the KL of the re-encoded fakes; every term scaled by 1/(data dimension) as in the published code",
  ),
  context: "scheme",
  kind: "soft_intro",
  players: ["encoder", "decoder"],
  drawsPrior: true,
  lower: (_a, num) => ({
    kind: "soft_intro",
    betaRec: num("beta_rec"),
    betaKl: num("beta_kl"),
    betaNeg: num("beta_neg"),
    gammaR: num("gamma_r"),
    alpha: num("alpha"),
    vaeSteps: num("vae_steps"),
    responsibility: num("responsibility"),
    resetInactive: num("reset_inactive"),
  }),
};

export const SCHEME_DESCRIPTORS: readonly SchemeDescriptor[] = [softIntro];
export const SCHEMES: readonly Builtin[] = SCHEME_DESCRIPTORS;

export const schemeByName = (name: string): SchemeDescriptor | undefined => SCHEME_DESCRIPTORS.find((s) => s.name === name);
