#!/usr/bin/python3
# usage: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch-iwae-cpu.py [points] [k] [threads] [rows]
# PyTorch reference of the evaluation benchmark (bench/iwae.ts): the IWAE estimate of −log p(x) with
# K importance samples on the MLP VAE of ../shared/reference/torch_vae.py (784-512-256-z50, Bernoulli),
# the same computation as runtime/objectives/objective.ts iwaeEstimate: per batch of 100 points, q(y|x)
# once, then K particles in chunks of at most `rows` decoder rows (default 2048, like ours), log-weights
# log p(x|y) + log N(y) − log q(y|x), one logsumexp over K. Under torch.no_grad (evaluation).
# Prints one JSON line with the wall and process CPU seconds.
import os, sys, time, json, math
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/reference"))
import torch, torch.nn.functional as F
import torch_vae as R

points = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
K = int(sys.argv[2]) if len(sys.argv) > 2 else 500
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
max_rows = int(sys.argv[4]) if len(sys.argv) > 4 else 2048
torch.set_num_threads(threads); torch.manual_seed(0)
enc, dec = R.mlp(50)
enc.eval(); dec.eval()
data = (torch.rand(points, 784) > 0.5).float()
B = 100
LOG2PI = math.log(2 * math.pi)

def iwae_batch(x):
    b = x.shape[0]
    mu, logvar = enc(x).chunk(2, dim=1)
    sd = torch.exp(0.5 * logvar)
    per = max(1, min(K, max_rows // b))
    parts = []
    done = 0
    while done < K:
        kc = min(per, K - done)
        eps = torch.randn(kc, b, 50)
        y = mu + sd * eps                                           # [kc, b, 50]
        logits = dec(y.reshape(kc * b, 50)).reshape(kc, b, 784)
        ll = -F.binary_cross_entropy_with_logits(logits, x.expand(kc, b, 784), reduction="none").sum(-1)
        ratio = 0.5 * (eps.pow(2) - y.pow(2) + logvar).sum(-1)      # log N(y; 0, I) − log q(y|x)
        parts.append(ll + ratio)
        done += kc
    lw = torch.cat(parts, 0)
    return (torch.logsumexp(lw, 0) - math.log(K)).sum()

with torch.no_grad():
    iwae_batch(data[:B])  # warm-up
    t0, c0 = time.perf_counter(), time.process_time()
    logpx = sum(float(iwae_batch(data[s:s + B])) for s in range(0, points, B))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"framework": "pytorch", "version": torch.__version__, "points": points, "k": K, "threads": threads, "rows": max_rows,
                  "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "nll": round(-logpx / points, 3)}))
