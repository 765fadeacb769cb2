"""A Qwen3 causal LM in plain torch with LoRA branches on the seven linear modules of every layer,
as PEFT builds them (y = W x + (alpha / r) * B A x; A Kaiming-uniform, B zero). Loads a Hugging
Face checkpoint folder (config.json + model.safetensors); exports the adapter the Hub way."""
import json, math, os
import torch
import torch.nn.functional as F

import safetensors_io

ATTN = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP = ("gate_proj", "up_proj", "down_proj")
TARGETS = ATTN + MLP


class Lora(torch.nn.Module):
    def __init__(self, weight, r, alpha, gen):
        super().__init__()
        out_f, in_f = weight.shape
        self.weight = weight  # frozen base weight [out, in]
        self.A = torch.nn.Parameter(torch.empty(r, in_f))
        self.B = torch.nn.Parameter(torch.zeros(out_f, r))
        # torch's kaiming_uniform_(a=sqrt(5)) bound, drawn from an explicit generator for reproducibility
        bound = 1.0 / math.sqrt(in_f)
        with torch.no_grad():
            self.A.uniform_(-bound, bound, generator=gen)
        self.scale = alpha / r
        self.enabled = True

    def forward(self, x):
        y = F.linear(x, self.weight)
        if self.enabled:
            y = y + F.linear(F.linear(x, self.A), self.B) * self.scale
        return y


def rms_norm(x, w, eps):
    x32 = x.float()
    return w * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps))


def causal_attention(q, k, v):
    # Debian's torch 1.13 has no scaled_dot_product_attention
    T = q.shape[-2]
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
    mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    return torch.softmax(scores.masked_fill(mask, float("-inf")), -1) @ v


class Qwen3Lora(torch.nn.Module):
    def __init__(self, folder, r=16, alpha=32, seed=0):
        super().__init__()
        cfg = json.load(open(os.path.join(folder, "config.json")))
        if cfg.get("model_type") != "qwen3":
            raise ValueError(f"{folder}/config.json: model_type {cfg.get('model_type')!r}, expected 'qwen3'")
        self.cfg = cfg
        self.L, self.H, self.KV = cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.D, self.eps = cfg["head_dim"], cfg["rms_norm_eps"]
        rope = cfg.get("rope_parameters") or {}
        self.theta = rope.get("rope_theta", cfg.get("rope_theta", 10000.0))
        w = {k: v.float() for k, v in safetensors_io.read(os.path.join(folder, "model.safetensors")).items()}
        self.w = w
        self.r, self.alpha = r, alpha
        gen = torch.Generator().manual_seed(seed)
        self.lora = torch.nn.ModuleDict()
        for i in range(self.L):
            for m in TARGETS:
                kind = "self_attn" if m in ATTN else "mlp"
                self.lora[f"{i}_{m}"] = Lora(w[f"model.layers.{i}.{kind}.{m}.weight"], r, alpha, gen)
        self.embed = w["model.embed_tokens.weight"]
        self.lm_head = w.get("lm_head.weight", self.embed)

    def set_lora(self, enabled):
        for m in self.lora.values():
            m.enabled = enabled

    def rope(self, T):
        inv = 1.0 / (self.theta ** (torch.arange(0, self.D, 2, dtype=torch.float32) / self.D))
        f = torch.outer(torch.arange(T, dtype=torch.float32), inv)
        emb = torch.cat([f, f], -1)
        return emb.cos(), emb.sin()

    @staticmethod
    def rotate(x, cos, sin):
        h = x.shape[-1] // 2
        return x * cos + torch.cat([-x[..., h:], x[..., :h]], -1) * sin

    def forward(self, ids, capture=()):
        """ids [B, T] (right padding is harmless: attention is causal). Returns logits [B, T, V] and
        the captured residual streams {'resid_post.i': [B, T, hidden]} (TransformerLens names)."""
        B, T = ids.shape
        w, hooks = self.w, {}
        x = F.embedding(ids, self.embed)
        cos, sin = self.rope(T)
        for i in range(self.L):
            p = f"model.layers.{i}."
            h = rms_norm(x, w[p + "input_layernorm.weight"], self.eps)
            q = self.lora[f"{i}_q_proj"](h).view(B, T, self.H, self.D)
            k = self.lora[f"{i}_k_proj"](h).view(B, T, self.KV, self.D)
            v = self.lora[f"{i}_v_proj"](h).view(B, T, self.KV, self.D).transpose(1, 2)
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], self.eps).transpose(1, 2)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], self.eps).transpose(1, 2)
            q, k = self.rotate(q, cos, sin), self.rotate(k, cos, sin)
            rep = self.H // self.KV
            k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
            a = causal_attention(q, k, v)
            x = x + self.lora[f"{i}_o_proj"](a.transpose(1, 2).reshape(B, T, self.H * self.D))
            h = rms_norm(x, w[p + "post_attention_layernorm.weight"], self.eps)
            mlp = F.silu(self.lora[f"{i}_gate_proj"](h)) * self.lora[f"{i}_up_proj"](h)
            x = x + self.lora[f"{i}_down_proj"](mlp)
            if f"resid_post.{i}" in capture:
                hooks[f"resid_post.{i}"] = x
        x = rms_norm(x, w["model.norm.weight"], self.eps)
        return F.linear(x, self.lm_head), hooks

    def adapter_tensors(self):
        out = {}
        for i in range(self.L):
            for m in TARGETS:
                kind = "self_attn" if m in ATTN else "mlp"
                lo = self.lora[f"{i}_{m}"]
                p = f"base_model.model.model.layers.{i}.{kind}.{m}"
                out[f"{p}.lora_A.weight"] = lo.A.detach().float()
                out[f"{p}.lora_B.weight"] = lo.B.detach().float()
        return out

    def save_adapter(self, folder, base_name="tiny-zoo/base"):
        os.makedirs(folder, exist_ok=True)
        safetensors_io.write(os.path.join(folder, "adapter_model.safetensors"), self.adapter_tensors(),
                             metadata={"format": "pt"})
        config = {
            "base_model_name_or_path": base_name, "peft_type": "LORA", "task_type": "CAUSAL_LM",
            "r": self.r, "lora_alpha": self.alpha, "lora_dropout": 0.0, "target_modules": list(TARGETS),
            "bias": "none", "fan_in_fan_out": False, "use_rslora": False, "use_dora": False,
            "init_lora_weights": True, "inference_mode": True, "modules_to_save": None,
            "layers_to_transform": None, "layers_pattern": None, "rank_pattern": {}, "alpha_pattern": {},
            "exclude_modules": None,
        }
        path = os.path.join(folder, "adapter_config.json")
        with open(path + ".tmp", "w") as f:
            json.dump(config, f, indent=2)
        os.replace(path + ".tmp", path)
