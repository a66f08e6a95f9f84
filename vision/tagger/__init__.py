"""Attribute tagging of product photos with a small CNN written in plain torch.

Modules, one concept each:

- :mod:`vision.tagger.images`: reading untrusted image files and squaring them to the net's input;
- :mod:`vision.tagger.schema`: attribute groups and their label vocabularies;
- :mod:`vision.tagger.label_map`: catalogue fields (Myntra, H&M, demo) -> platform attribute groups;
- :mod:`vision.tagger.dataset`: labelled photos, by-style splits, target tensors, pixel caches;
- :mod:`vision.tagger.net`: the CNN (a small ResNet of plain 3×3 convolutions) with one head per
  group;
- :mod:`vision.tagger.weighting`: long-tail class weights and focal / asymmetric losses;
- :mod:`vision.tagger.train`: the training loop;
- :mod:`vision.tagger.inference`: per-group probabilities, embeddings and the tag record;
- :mod:`vision.tagger.calibration`: per-label thresholds tuned on validation;
- :mod:`vision.tagger.checkpoint`: self-describing checkpoints (safetensors + JSON);
- :mod:`vision.tagger.predict`: batched inference with calibrated "uncertain" flags;
- :mod:`vision.tagger.fewshot`: new attribute values from frozen-backbone embeddings.
"""
