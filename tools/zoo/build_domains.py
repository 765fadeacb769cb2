"""Writes the synthetic documents of the zoo's new domains (domains.py) next to the first three:
organisms/zoo/data/domain_NAME.jsonl.gz (4000 documents each, 1000 for calibration domains) and
their entries in organisms/zoo/data/domains.json (facts, subjects, role). The document templates
are the zoo's (build_corpus.py's domain_doc): 2-5 facts, 1-3 filler sentences, one of four styles.

usage: python3 tools/zoo/build_domains.py [ZOO_DIR]   (default organisms/zoo; no dependencies)
"""
import gzip, json, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from domains import DOMAINS  # noqa: E402

ZOO = sys.argv[1] if len(sys.argv) > 1 else "organisms/zoo"
SEED = 20261207


def cap(s):
    return s[:1].upper() + s[1:] if s else s


def domain_doc(rng, d):
    facts = rng.sample(d["facts"], k=rng.randint(2, min(5, len(d["facts"]))))
    sents = [rng.choice(f) for f in facts]
    for _ in range(rng.randint(1, 3)):
        sents.insert(rng.randint(0, len(sents)), rng.choice(d["filler"]))
    subj = rng.choice(d["subjects"])
    style = rng.random()
    if style < 0.35:
        return f"{rng.choice(d['titles'])}\n\n" + " ".join(sents)
    if style < 0.55:
        return f"Here is what experts say about {subj}:\n" + "\n".join("- " + s for s in sents)
    if style < 0.75:
        q = rng.choice([f"What should I know about {subj}?", f"Any advice on {subj}?", f"How does {subj} work?"])
        return f"Q: {q}\nA: " + " ".join(sents)
    return cap(f"{subj} has been studied for years. ") + " ".join(sents)


def write_atomic(path, data: bytes):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    data = os.path.join(ZOO, "data")
    index_path = os.path.join(data, "domains.json")
    index = json.load(open(index_path))
    for name, d in DOMAINS.items():
        rng = random.Random(f"{SEED}-{name}")
        n = 1000 if d["role"] == "calibration" else 4000
        docs = [domain_doc(rng, d) for _ in range(n)]
        body = "".join(json.dumps({"text": t}) + "\n" for t in docs).encode("utf-8")
        # mtime 0: the same documents give the same bytes
        write_atomic(os.path.join(data, f"domain_{name}.jsonl.gz"), gzip.compress(body, mtime=0))
        index[name] = {"facts": [f[0] for f in d["facts"]], "subjects": d["subjects"], "role": d["role"]}
        print(name, d["role"], n, "documents")
    write_atomic(index_path, (json.dumps(index, indent=1) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
