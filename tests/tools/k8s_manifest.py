#!/usr/bin/python3
"""Kubernetes manifests checked without a cluster, for the recipes' tests.

  k8s_manifest.py check FILE...   every key and value type of every
      document against the API's own types (the OpenAPI models of Debian's
      python3-kubernetes), the fields the API requires, and the rules the
      API server adds for Jobs and Pods; one line per fault, exit 1
  k8s_manifest.py pod FILE JOB    the first container of JOB's pod, as bash
      assignments for a test to run it as the kubelet would (command, env,
      user, groups, capabilities, volumes)

The models are generated from the API's OpenAPI schema: openapi_types
gives each field's type, attribute_map its JSON name. A key that is in no
model is a fault (the API server drops unknown fields, so a misspelled one
silently means nothing), and building the models checks required fields.
"""
import re
import shlex
import sys

import yaml

try:
    import kubernetes.client
    import kubernetes.client.models as models
except ImportError:
    sys.exit("k8s_manifest.py: needs Debian's python3-kubernetes (make deps)")

KINDS = {
    ("batch/v1", "Job"): "V1Job",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("v1", "Pod"): "V1Pod",
}
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?([KMGTPE]i|[kMGTPE]|m|e[0-9]+)?$")


def walk(value, typ, path, faults):
    """Checks value against the model type name typ, recursively."""
    if typ.startswith("list["):
        if not isinstance(value, list):
            faults.append("%s: a list expected, got %r" % (path, value))
            return
        for i, item in enumerate(value):
            walk(item, typ[5:-1], "%s[%d]" % (path, i), faults)
    elif typ.startswith("dict("):
        if not isinstance(value, dict):
            faults.append("%s: a map expected, got %r" % (path, value))
            return
        inner = typ[5:-1].split(",", 1)[1].strip()
        for k, v in value.items():
            if not isinstance(k, str):
                faults.append("%s: key %r is not a string" % (path, k))
            walk(v, inner, "%s.%s" % (path, k), faults)
    elif typ == "str":
        if not isinstance(value, str):
            faults.append("%s: a string expected, got %r (quote it)" % (path, value))
    elif typ == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            faults.append("%s: an integer expected, got %r" % (path, value))
    elif typ == "bool":
        if not isinstance(value, bool):
            faults.append("%s: true or false expected, got %r" % (path, value))
    elif typ in ("object", "datetime", "date"):
        pass  # int-or-string, quantities, times: any scalar
    else:
        cls = getattr(models, typ)
        if not isinstance(value, dict):
            faults.append("%s: a %s object expected, got %r" % (path, typ, value))
            return
        by_json = {j: a for a, j in cls.attribute_map.items()}
        for k, v in value.items():
            if k not in by_json:
                faults.append("%s.%s: no such field in %s" % (path, k, typ))
                continue
            walk(v, cls.openapi_types[by_json[k]], "%s.%s" % (path, k), faults)


def pod_rules(spec, path, faults, job):
    """What the API server checks of a pod spec beyond its types."""
    if job and spec.get("restartPolicy") not in ("Never", "OnFailure"):
        faults.append("%s.restartPolicy: a Job's pods need Never or OnFailure" % path)
    volumes = [v.get("name") for v in spec.get("volumes", [])]
    for name in volumes:
        if not DNS_LABEL.match(str(name)):
            faults.append("%s.volumes: name %r is not a DNS label" % (path, name))
    if len(set(volumes)) != len(volumes):
        faults.append("%s.volumes: a name given twice" % path)
    names = []
    for i, c in enumerate(spec.get("containers", [])):
        cpath = "%s.containers[%d]" % (path, i)
        names.append(c.get("name"))
        if not DNS_LABEL.match(str(c.get("name"))):
            faults.append("%s.name: %r is not a DNS label" % (cpath, c.get("name")))
        if not c.get("image"):
            faults.append("%s.image: none" % cpath)
        for e in c.get("env", []):
            if not ENV_NAME.match(str(e.get("name"))):
                faults.append("%s.env: %r is not a valid name" % (cpath, e.get("name")))
        mounts = [m.get("mountPath") for m in c.get("volumeMounts", [])]
        if len(set(mounts)) != len(mounts):
            faults.append("%s.volumeMounts: a mountPath given twice" % cpath)
        for m in c.get("volumeMounts", []):
            if m.get("name") not in volumes:
                faults.append("%s.volumeMounts: no volume %r" % (cpath, m.get("name")))
            if not str(m.get("mountPath", "")).startswith("/"):
                faults.append("%s.volumeMounts: %r is not absolute" % (cpath, m.get("mountPath")))
        caps = (c.get("securityContext") or {}).get("capabilities") or {}
        for cap in caps.get("add", []) + caps.get("drop", []):
            if not re.match(r"^[A-Z_]+$", str(cap)):
                faults.append("%s.securityContext.capabilities: %r" % (cpath, cap))
        if spec.get("hostNetwork"):
            for p in c.get("ports", []):
                if p.get("hostPort", p.get("containerPort")) != p.get("containerPort"):
                    faults.append("%s.ports: hostNetwork needs hostPort = containerPort" % cpath)
    if len(set(names)) != len(names):
        faults.append("%s.containers: a name given twice" % path)


def job_rules(spec, faults):
    for field in ("completions", "parallelism", "backoffLimit"):
        if field in spec and spec[field] < 0:
            faults.append("spec.%s: negative" % field)
    mode = spec.get("completionMode", "NonIndexed")
    if mode not in ("NonIndexed", "Indexed"):
        faults.append("spec.completionMode: %r is neither NonIndexed nor Indexed" % mode)
    if mode == "Indexed" and not spec.get("completions"):
        faults.append("spec.completions: an Indexed Job needs it")
    if mode == "Indexed" and spec.get("completions", 0) > 100000:
        faults.append("spec.completions: more than 100000 for an Indexed Job")
    pod_rules(spec.get("template", {}).get("spec", {}), "spec.template.spec", faults, True)


def check_doc(doc):
    faults = []
    if not isinstance(doc, dict):
        return ["not a map"]
    typ = KINDS.get((doc.get("apiVersion"), doc.get("kind")))
    if not typ:
        return ["apiVersion %r kind %r: not one this check knows" % (doc.get("apiVersion"), doc.get("kind"))]
    walk(doc, typ, "", faults)
    name = (doc.get("metadata") or {}).get("name")
    if not name or not re.match(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", str(name)) or len(name) > 63:
        faults.append(".metadata.name: %r is not a DNS name of at most 63 characters" % name)
    if faults:
        return faults
    # building the models checks what each requires (a container's name,
    # a Job's template, ...)
    try:
        kubernetes.client.ApiClient()._ApiClient__deserialize(doc, typ)
    except (ValueError, TypeError) as e:
        return ["%s" % e]
    if typ == "V1Job":
        job_rules(doc["spec"], faults)
    elif typ == "V1PersistentVolumeClaim":
        for m in doc["spec"].get("accessModes", []):
            if m not in ("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"):
                faults.append("spec.accessModes: %r" % m)
        for k, q in doc["spec"].get("resources", {}).get("requests", {}).items():
            if not QUANTITY.match(str(q)):
                faults.append("spec.resources.requests.%s: %r is not a quantity" % (k, q))
    return faults


def check(files):
    bad = False
    for f in files:
        try:
            docs = [d for d in yaml.safe_load_all(open(f)) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (f, str(e).replace("\n", " ")), file=sys.stderr)
            bad = True
            continue
        if not docs:
            print("%s: no document" % f, file=sys.stderr)
            bad = True
        for i, doc in enumerate(docs):
            what = "%s/%s" % (doc.get("kind"), (doc.get("metadata") or {}).get("name")) \
                if isinstance(doc, dict) else "?"
            faults = check_doc(doc)
            for fault in faults:
                print("%s: document %d (%s): %s" % (f, i + 1, what, fault), file=sys.stderr)
            if faults:
                bad = True
            else:
                print("%s: %s: valid" % (f, what))
    return 1 if bad else 0


def pod(path, job):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    jobs = [d for d in docs if d.get("kind") == "Job" and d["metadata"]["name"] == job]
    if not jobs:
        sys.exit("k8s_manifest.py: %s: no Job %s" % (path, job))
    spec = jobs[0]["spec"]
    pspec = spec["template"]["spec"]
    c = pspec["containers"][0]
    psc = pspec.get("securityContext", {})
    sc = dict(psc, **c.get("securityContext", {}))
    caps = sc.get("capabilities", {})
    out = {
        "K8S_CMD": c.get("command", []) + c.get("args", []),
        "K8S_ENV": ["%s=%s" % (e["name"], e["value"]) for e in c.get("env", [])],
        "K8S_MOUNTS": ["%s=%s" % (m["name"], m["mountPath"]) for m in c.get("volumeMounts", [])],
        "K8S_CAPS_ADD": caps.get("add", []),
        "K8S_CAPS_DROP": caps.get("drop", []),
    }
    scalars = {
        "K8S_COMPLETIONS": spec.get("completions", 1),
        "K8S_INDEXED": int(spec.get("completionMode") == "Indexed"),
        "K8S_HOST_NETWORK": int(bool(pspec.get("hostNetwork"))),
        "K8S_UID": sc.get("runAsUser", 0),
        "K8S_GID": sc.get("runAsGroup", sc.get("runAsUser", 0)),
        "K8S_FSGROUP": psc.get("fsGroup", ""),
        "K8S_NON_ROOT": int(bool(sc.get("runAsNonRoot"))),
        # a container gets no_new_privs unless it may escalate
        "K8S_NO_NEW_PRIVS": int(sc.get("allowPrivilegeEscalation", True) is False),
        "K8S_READONLY_ROOT": int(bool(sc.get("readOnlyRootFilesystem"))),
    }
    for k, v in out.items():
        print("%s=(%s)" % (k, " ".join(shlex.quote(str(x)) for x in v)))
    for k, v in scalars.items():
        print("%s=%s" % (k, shlex.quote(str(v))))
    return 0


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "check":
        return check(sys.argv[2:])
    if len(sys.argv) == 4 and sys.argv[1] == "pod":
        return pod(sys.argv[2], sys.argv[3])
    print("usage: k8s_manifest.py check FILE... | pod FILE JOB", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
