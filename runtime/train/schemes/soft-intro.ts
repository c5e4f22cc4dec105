// Soft-IntroVAE (Daniel & Tamar 2021, Algorithm 1, as the published 2-D code computes it), with the
// learned prior as a third player trained with the decoder (Athanasiadis et al. 2025). Per step, with
// s = 1/(data dimension), ELBO terms per datapoint rec = −log p(x | D(z)), kl = KL(q(y|x) ‖ p(y)):
//   encoder: s·(β_rec·rec(x) + β_kl·kl(x)) + ½·(1/α)·Σ_{x' ∈ {sg(x_r), sg(x_f)}} mean exp(−α·s·(β_rec·rec(x') + β_neg·kl(x')))
//   decoder: s·(β_rec·rec(x) + ½·β_kl·(kl(x_r) + kl(x_f)) + ½·γ_r·β_rec·(rec(x_r) + rec(x_f))), its
//            decoder passes on sg(y) and its reconstruction targets sg(x')
// where x_r is the decoder's mean for the real y and x_f for y ~ p(y). The encoder steps first (its
// optimizer groups only), then the decoder's forward pass runs on the updated encoder (frozen: its
// variables get no gradient) and the decoder's groups step. Mapping penalties (s-scaled) go to both.
// A learned mixture with clip_logvar takes its clip range at the first introspective step (step =
// vae_steps), from its modes' log-variances then (runtime/priors/logvar-clip.ts).
import * as tf from "@tensorflow/tfjs";
import type { SchemeIR } from "../../../compiler/ir/types";
import type { CompiledModel } from "../../model/compiled";
import { stageSeeds } from "../../model/build";
import { deriveSeed, reparamNoise, standardNormal, STREAM } from "../../model/random";
import { stopGradient } from "../../ops/stop-gradient";
import { klStdNormal, likelihoodMean } from "../../objectives/likelihood";
import { reparam, type Forward, type StageSeeds } from "../../objectives/objective";
import type { GroupedOptimizer } from "../groups";
import { firstBadTerm } from "../divergence";
import { applyGradients, type StepValues } from "../step";
import type { Scheme } from "./index";
import { priorModes, resetInactiveModes, responsibilityTerm, startLogvarClip } from "./prior-modes";

type SoftIntroIR = Extract<SchemeIR, { kind: "soft_intro" }>;

/** This scheme's seeds: stream 11 of the step's seed, one per pass. */
const SCHEME_STREAM = 11;
const passSeeds = (seed: number, pass: number): StageSeeds => stageSeeds(deriveSeed(seed, SCHEME_STREAM, pass));

/** ELBO terms of `xin` per datapoint: y, kl [B], rec [B] against sg(xin), and the decoder's output.
 * Only the real batch is data: a decoding, even under sg(·), lies on the tape's path from the
 * weights, so its encoder must give its input a gradient (runtime/ops/dense.ts skips it for data). */
function elboPoints(fw: Forward, xin: tf.Tensor, s: StageSeeds, chunk: number, sgY: boolean, isData = false) {
  const b = xin.shape[0]!;
  const q = fw.encode(xin, true, s.encoder, isData);
  const eps = reparamNoise(s.call, b, fw.latentDim, chunk);
  const p = fw.prior ? fw.prior.elbo(q, eps, { seed: s.call, chunk }) : null;
  const y = p ? p.y : reparam(q.mean, q.logvar, eps);
  const kl = p ? p.kl : klStdNormal(q.mean, q.logvar);
  const { z, penalties } = fw.map(sgY ? stopGradient(y) : y, true, s.mapping);
  const out = fw.decode(z, true, s.decoder);
  const rec = tf.neg(fw.logLik(stopGradient(xin), out)) as tf.Tensor1D;
  return { y, kl, rec, out, penalties, mean: q.mean, logvar: q.logvar };
}

/** y ~ p(y) for the fakes (the same draw in both players' passes: the published code's noise_batch). */
function priorDraw(fw: Forward, n: number, seed: number): tf.Tensor2D {
  const ps = deriveSeed(seed, SCHEME_STREAM, 99);
  return fw.prior ? fw.prior.sample(n, ps) : (standardNormal([n, fw.latentDim], deriveSeed(ps, STREAM.prior)) as tf.Tensor2D);
}

const sumOf = (p: Record<string, tf.Scalar>): tf.Scalar | null => {
  const l = Object.values(p);
  return l.length === 0 ? null : (tf.addN(l) as tf.Scalar);
};

/** The two players' losses on one batch at the current weights, as scalars of the caller's scope (tests use them directly). */
export function softIntroLosses(ir: SoftIntroIR, model: CompiledModel, x: tf.Tensor, seed: number, yReal?: tf.Tensor2D) {
  const fw = model.forward!();
  const lik = model.ir.likelihood;
  const s = 1 / model.ir.data.shape.reduce((a, c) => a * c, 1);
  const b = x.shape[0]!;
  const expElbo = (t: { rec: tf.Tensor1D; kl: tf.Tensor1D }) => tf.mean(tf.exp(tf.mul(tf.add(tf.mul(t.rec, ir.betaRec), tf.mul(t.kl, ir.betaNeg)), -ir.alpha * s))) as tf.Scalar;
  return {
    /** the encoder's loss; also the real batch's ELBO terms and its y (for the decoder's pass).
     *  `xr`: the reconstructions to score as fakes, when given (the default is sg(D(y)) of this pass) */
    encoder: (xrGiven?: tf.Tensor) => {
      const real = elboPoints(fw, x, stageSeeds(seed), 0, false, true);
      const recon = tf.mean(real.rec) as tf.Scalar;
      const kl = tf.mean(real.kl) as tf.Scalar;
      const xr = xrGiven ?? stopGradient(likelihoodMean(lik, real.out, model.variables));
      const fs = passSeeds(seed, 0);
      const xf = stopGradient(likelihoodMean(lik, fw.decode(fw.map(priorDraw(fw, b, seed), true, fs.mapping).z, true, fs.decoder), model.variables));
      const expRec = expElbo(elboPoints(fw, xr, passSeeds(seed, 1), 1, false));
      const expFake = expElbo(elboPoints(fw, xf, passSeeds(seed, 2), 2, false));
      const pen = sumOf(real.penalties);
      let loss = tf.add(tf.mul(tf.add(tf.mul(recon, ir.betaRec), tf.mul(kl, ir.betaKl)), s), tf.mul(tf.add(expRec, expFake), 0.5 / ir.alpha)) as tf.Scalar;
      if (pen) loss = tf.add(loss, tf.mul(pen, s));
      return { loss, recon, kl, expRec, expFake, penalties: real.penalties, y: real.y, mean: real.mean, logvar: real.logvar };
    },
    /** the decoder's (and mapping's and prior's) loss, on the real batch's y from the encoder's pass */
    decoder: () => {
      const y = yReal!;
      const ds = passSeeds(seed, 3);
      const mapped = fw.map(y, true, ds.mapping, x);
      const out = fw.decode(mapped.z, true, ds.decoder);
      const recon = tf.neg(tf.mean(fw.logLik(x, out))) as tf.Scalar;
      const fs = passSeeds(seed, 0); // the encoder's fakes' passes: the same x_f before the update
      const xr = likelihoodMean(lik, out, model.variables);
      const xf = likelihoodMean(lik, fw.decode(fw.map(priorDraw(fw, b, seed), true, fs.mapping).z, true, fs.decoder), model.variables);
      const r = elboPoints(fw, xr, passSeeds(seed, 4), 3, true);
      const f = elboPoints(fw, xf, passSeeds(seed, 5), 4, true);
      const klFake = tf.add(tf.mean(r.kl), tf.mean(f.kl));
      const recFake = tf.add(tf.mean(r.rec), tf.mean(f.rec));
      let loss = tf.mul(tf.add(tf.add(tf.mul(recon, ir.betaRec), tf.mul(klFake, 0.5 * ir.betaKl)), tf.mul(recFake, 0.5 * ir.gammaR * ir.betaRec)), s) as tf.Scalar;
      const pen = sumOf(mapped.penalties);
      if (pen) loss = tf.add(loss, tf.mul(pen, s));
      if (ir.responsibility > 0) {
        const resp = responsibilityTerm(fw, y);
        if (resp) loss = tf.add(loss, tf.mul(resp, ir.responsibility));
      }
      return { loss, recon, klFake: tf.mul(klFake, 0.5) as tf.Scalar };
    },
  };
}

/** The scheme's step: the encoder's groups step on the encoder's loss, then the decoder's groups on theirs. */
export function softIntroScheme(ir: SoftIntroIR, model: CompiledModel, optimizer: GroupedOptimizer): Scheme {
  if (!model.forward) throw new Error("internal error: the soft_intro scheme needs the model's stages (CompiledModel.forward)");
  const enc = optimizer.variablesOf("encoder", model.variables);
  const dec = optimizer.variablesOf("decoder", model.variables);
  const read = (t: tf.Tensor) => t.dataSync()[0]!;
  return {
    step({ x, seed, step, clipNorm, plain }) {
      if (step < ir.vaeSteps) return plain();
      // clip_logvar's range is that of the modes after the plain steps (once; a resumed run's state has it)
      startLogvarClip(model.forward!());
      let e!: ReturnType<ReturnType<typeof softIntroLosses>["encoder"]>;
      const eg = tf.variableGrads(() => {
        e = softIntroLosses(ir, model, x, seed).encoder();
        for (const t of [e.y, e.recon, e.kl, e.expRec, e.expFake, ...Object.values(e.penalties)]) tf.keep(t);
        return e.loss;
      }, enc);
      const yReal = e.y;
      try {
        const penalties: Record<string, number> = {};
        for (const [k, v] of Object.entries(e.penalties)) penalties[k] = read(v);
        const pen = Object.values(penalties).reduce((a, c) => a + c, 0);
        const values: StepValues = { loss: read(e.recon) + read(e.kl) + pen, recon: read(e.recon), kl: read(e.kl), penalties };
        penalties["soft_intro.encoder"] = read(eg.value);
        penalties["soft_intro.exp_elbo_rec"] = read(e.expRec);
        penalties["soft_intro.exp_elbo_fake"] = read(e.expFake);
        tf.dispose([e.recon, e.kl, e.expRec, e.expFake, ...Object.values(e.penalties), eg.value]);
        // A bad term leaves every weight as it was (the loop then reports it).
        if (firstBadTerm(values)) return tf.dispose(eg.grads), values;
        const en = applyGradients(optimizer, enc, eg.grads, clipNorm);
        if (en !== null && !Number.isFinite(en)) return { ...values, gradNorm: en };
        let d!: ReturnType<ReturnType<typeof softIntroLosses>["decoder"]>;
        const dg = tf.variableGrads(() => {
          d = softIntroLosses(ir, model, x, seed, yReal).decoder();
          tf.keep(d.klFake);
          return d.loss;
        }, dec);
        penalties["soft_intro.decoder"] = read(dg.value);
        penalties["soft_intro.kl_fake"] = read(d.klFake);
        tf.dispose([dg.value, d.klFake]);
        if (firstBadTerm(values)) return tf.dispose(dg.grads), values;
        const dn = applyGradients(optimizer, dec, dg.grads, clipNorm);
        if (ir.resetInactive > 0 && (step + 1) % ir.resetInactive === 0) resetInactiveModes(model.forward!(), deriveSeed(seed, SCHEME_STREAM, 100));
        if (en === null || dn === null) return values;
        return { ...values, gradNorm: Number.isFinite(dn) ? Math.max(en, dn) : dn };
      } finally {
        yReal.dispose();
      }
    },
    metrics: () => priorModes(model.forward!()),
  };
}
