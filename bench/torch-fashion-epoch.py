#!/usr/bin/python3
# usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch-fashion-epoch.py [threads] [steps]
# PyTorch reference of bench/fashion-epoch.ts: one epoch (60 000 images, batch 100, shuffled) of the
# MLP InteL-VAE with the sparse mapping (../shared/reference/torch_vae.py's mlp(50) and Sparse(50),
# γ = 30), Bernoulli likelihood, analytic KL on y, Adam 1e-3, on Debian's dataset-fashion-mnist
# scaled to [0, 1]. Prints one JSON line with wall and CPU seconds and samples/s.
import os, sys, time, json, gzip
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/reference"))
import numpy as np, torch, torch.nn.functional as F
import torch_vae as R

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
max_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10 ** 9
torch.set_num_threads(threads); torch.manual_seed(0)
with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    data = torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float32) / 255)
enc, dec = R.mlp(50)
g = R.Sparse(50, gamma=30.0)
opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + list(g.parameters()), lr=1e-3)
B = 100
order = torch.randperm(data.shape[0])
steps = min(max_steps, data.shape[0] // B)
t0, c0 = time.perf_counter(), time.process_time()
for s in range(steps):
    x = data[order[s * B:(s + 1) * B]]
    mu, logvar = enc(x).chunk(2, dim=1)
    y = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    z, pen = g(y)
    rec = F.binary_cross_entropy_with_logits(dec(z).reshape(B, 784), x, reduction="sum") / B
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
    loss = rec + kl + pen
    opt.zero_grad(); loss.backward(); opt.step()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "threads": threads, "steps": steps, "samples": steps * B,
                  "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "samples_per_s": round(steps * B / wall), "final_loss": round(float(loss), 2)}))
