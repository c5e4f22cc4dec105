#!/usr/bin/python3
# usage: /usr/bin/python3 bench/torch-step-cpu.py [mlp|conv] [identity|sparse] [steps]
# PyTorch reference step timed with process CPU time as well as wall time (imports torch_vae.py's models).
import os, sys, time, json, statistics
# torch.set_num_threads(1) does not bound Debian's libopenblas0-pthread, which otherwise runs its
# own threads (CPU time ≈ 2× wall on 2 cores): pin it for a real one-core comparison.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/reference"))
import torch, torch.nn.functional as F
import torch_vae as R
torch.set_num_threads(1); torch.manual_seed(0)
arch = sys.argv[1] if len(sys.argv) > 1 else "mlp"
mapping = sys.argv[2] if len(sys.argv) > 2 else "identity"
enc, dec = (R.mlp if arch == "mlp" else R.conv)(50)
g = R.Sparse(50) if mapping == "sparse" else R.Identity()
params = list(enc.parameters()) + list(dec.parameters()) + list(g.parameters())
opt = torch.optim.Adam(params, lr=1e-3)
x = (torch.rand(128, 1, 28, 28) > 0.5).float()
def step():
    mu, logvar = enc(x).chunk(2, dim=1)
    y = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
    z, pen = g(y)
    rec = F.binary_cross_entropy_with_logits(dec(z), x, reduction="sum") / 128
    kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
    loss = rec + kl + pen
    opt.zero_grad(); loss.backward(); opt.step()
for _ in range(5): step()
w, c = [], []
for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 30):
    t0, c0 = time.perf_counter(), time.process_time()
    step()
    w.append((time.perf_counter() - t0) * 1000); c.append((time.process_time() - c0) * 1000)
print(json.dumps({"framework": "pytorch", "arch": arch, "mapping": mapping, "wall_ms": round(statistics.median(w), 2), "cpu_ms": round(statistics.median(c), 2)}))
