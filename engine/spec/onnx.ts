/**
 * Checks of an `onnx:` model source (docs/model-execution.md), run by the spec check so that the
 * editor and `simspec check` report before a run what the run would refuse: the network file and
 * the image folder exist, the network has one image input whose fixed dimensions fit the
 * preprocessing, each layer's `output:` names a tensor of the graph (with did-you-mean), the lesion
 * names a model layer and units that exist. Gives each layer's layout (stimuli = images, units from
 * the tensor's static shape) when known.
 */
import { existsSync, statSync } from 'node:fs';
import { isSimspecError } from '../core/errors';
import { formatShape, unitsOf, type ModelGraph } from '../model/graph';
import { isImageFile, outputSize } from '../model/images';
import { graphOfFile, imageFiles } from '../model/source';
import { didYouMean } from './suggest';
import type { Representation, Spec } from './types';

type Report = (message: string, path: (string | number)[], code: string, severity?: 'error' | 'warning') => void;

export interface OnnxCheck {
  graph?: ModelGraph;
  images?: string[];
  /** Layouts of the layers with a tensor of known shape: name → [images, ...unit dims]. */
  shapes: Map<string, number[]>;
}

export function checkOnnx(spec: Spec, report: Report): OnnxCheck {
  const result: OnnxCheck = { shapes: new Map() };
  const tensorLayers = spec.layers.filter((l) => l.source.tensor !== undefined);
  if (!spec.onnx) {
    for (const l of tensorLayers) report(`Layer \`${l.name}\` names a network tensor (\`output\`) but the model has no \`onnx:\` network.`, [...l.source.specPath, 'output'], 'model.no-onnx');
    return result;
  }
  const onnx = spec.onnx;
  if (tensorLayers.length === 0) report('With `onnx:`, each layer names a tensor of the network: `layers: { conv1: { output: <tensor name> } }`.', ['model', 'onnx'], 'model.no-tensor-layers');
  // The network.
  if (!existsSync(onnx.path)) report(`File not found: \`${onnx.file}\` (resolved to ${onnx.path}).`, ['model', 'onnx'], 'data.missing-file');
  else {
    try {
      result.graph = graphOfFile(onnx.path, onnx.file).graph;
    } catch (e) {
      if (!isSimspecError(e)) throw e;
      report(e.message.split(onnx.path).join(onnx.file), ['model', 'onnx'], 'model.onnx-unreadable');
    }
  }
  // The images.
  const imagesPath = ['model', 'stimuli', 'images'];
  if ('folder' in onnx.images) {
    if (!existsSync(onnx.images.folder) || !statSync(onnx.images.folder).isDirectory()) report(`Image folder not found: \`${onnx.images.written}\` (resolved to ${onnx.images.folder}).`, imagesPath, 'data.missing-file');
    else {
      const files = imageFiles(onnx.images);
      if (files.length < 2) report(`\`${onnx.images.written}\` holds ${files.length} image(s) (.jpg, .jpeg, .png): expected one per stimulus, at least 2.`, imagesPath, 'model.no-images');
      else result.images = files;
    }
  } else {
    let ok = true;
    onnx.images.files.forEach((f, i) => {
      if (!isImageFile(f)) {
        report(`\`${onnx.images.written[i]}\` is not a .jpg, .jpeg or .png image.`, [...imagesPath, i], 'model.image-format');
        ok = false;
      } else if (!existsSync(f)) {
        report(`File not found: \`${onnx.images.written[i]}\` (resolved to ${f}).`, [...imagesPath, i], 'data.missing-file');
        ok = false;
      }
    });
    if (ok) result.images = onnx.images.files;
  }
  const graph = result.graph;
  if (!graph) return result;
  // The input.
  const inputName = onnx.input ?? (graph.inputs.length === 1 ? graph.inputs[0] : undefined);
  if (onnx.input !== undefined && !graph.inputs.includes(onnx.input)) {
    report(`The network has no input \`${onnx.input}\`; its inputs: ${graph.inputs.map((n) => `\`${n}\``).join(', ')}.`, ['model', 'input'], 'model.onnx-input');
  } else if (inputName === undefined) {
    report(`The network has ${graph.inputs.length} inputs (${graph.inputs.join(', ')}): name the image input with \`input:\`.`, ['model', 'onnx'], 'model.onnx-inputs');
  } else {
    const shape = graph.tensors.get(inputName)?.shape;
    const pre = onnx.preprocessing;
    const size = outputSize(pre);
    if (shape && shape.length !== 4) report(`The network's input \`${inputName}\` has shape ${formatShape(shape)}: expected an image batch ${pre.layout === 'NCHW' ? '[N, 3, H, W]' : '[N, H, W, 3]'}.`, ['model', 'onnx'], 'model.onnx-input-shape');
    else if (shape) {
      const [c, h, w] = pre.layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]];
      const layoutPath = (valueWritten: boolean) => (valueWritten ? ['model', 'stimuli', 'layout'] : ['model', 'stimuli']);
      if (typeof c === 'number' && c !== 3) report(`The network's input \`${inputName}\` has shape ${formatShape(shape)}: with layout ${pre.layout} that is ${c} channels, but images give 3.${c === 224 || (typeof shape[1] === 'number' && shape[1] === 3) ? ' Set `layout: NHWC`?' : ''}`, layoutPath(true), 'model.onnx-input-shape');
      else if (size && ((typeof h === 'number' && h !== size[0]) || (typeof w === 'number' && w !== size[1]))) report(`The network's input \`${inputName}\` is ${formatShape(shape)} but the preprocessed images are ${size[0]}×${size[1]}: set \`crop\` (or \`size\`) to ${h}×${w}.`, pre.crop !== undefined ? ['model', 'stimuli', 'crop'] : ['model', 'stimuli', 'size'], 'model.onnx-input-shape');
      else if (!size && typeof h === 'number') report(`The network expects ${h}×${w} images: set \`crop: ${h === w ? h : `[${h}, ${w}]`}\` (or \`size: [${h}, ${w}]\`) so every image has that size.`, ['model', 'stimuli'], 'model.onnx-input-shape', 'warning');
    }
  }
  // The layers' tensors.
  const names = [...graph.tensors.keys()];
  for (const layer of tensorLayers) {
    const tensor = layer.source.tensor!;
    const info = graph.tensors.get(tensor);
    if (!info) {
      const suggestions = didYouMean(tensor, names);
      report(`The network has no tensor \`${tensor}\`.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, [...layer.source.specPath, 'output'], 'model.unknown-tensor');
      continue;
    }
    const units = unitsOf(info);
    if (units !== undefined && result.images) result.shapes.set(layer.name, [result.images.length, ...(info.shape!.slice(1) as number[])]);
  }
  checkLesion(spec, tensorLayers, graph, report);
  checkInSilico(spec, tensorLayers, result.images?.length, report);
  return result;
}

function checkLesion(spec: Spec, tensorLayers: Representation[], graph: ModelGraph, report: Report): void {
  const lesion = spec.onnx?.lesion;
  if (!lesion) return;
  const layer = tensorLayers.find((l) => l.name === lesion.layer);
  if (!layer) {
    const suggestions = didYouMean(lesion.layer, tensorLayers.map((l) => l.name));
    report(`No network layer is named \`${lesion.layer}\`: the lesion needs a layer of \`model.layers\` with an \`output\` tensor.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, ['model', 'lesion', 'layer'], 'model.lesion-layer');
    return;
  }
  if (lesion.causal) {
    const regions = spec.regions.map((r) => r.name);
    for (const key of ['intact', 'perturbed'] as const) {
      const name = lesion.causal[key];
      const region = spec.regions.find((r) => r.name === name);
      if (!region) {
        const suggestions = didYouMean(name, regions);
        report(`No brain region is named \`${name}\`.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, ['model', 'lesion', 'causal', key], 'model.causal-region');
      } else if (region.source.kind === 'rdm') report(`The causal score needs responses (stimuli × units); region \`${name}\` is an RDM.`, ['model', 'lesion', 'causal', key], 'model.causal-region');
      else if (region.source.subjects !== undefined || region.source.axes?.includes('subjects')) report(`The causal score takes one response matrix per condition; region \`${name}\` has subjects.`, ['model', 'lesion', 'causal', key], 'model.causal-region');
    }
    if (spec.select) report('The causal score is computed on every stimulus: remove `stimuli.select` or the causal block.', ['model', 'lesion', 'causal'], 'model.causal-select');
  }
  const info = graph.tensors.get(layer.source.tensor!);
  if (!info?.shape) return;
  if (info.op === 'input') report('The lesioned tensor is the network input: lesion a layer inside the network.', ['model', 'lesion', 'layer'], 'model.lesion-layer');
  if (lesion.channels && info.shape.length < 2) report(`\`channels: true\` needs a tensor with a channel axis; \`${layer.source.tensor}\` has shape ${formatShape(info.shape)}.`, ['model', 'lesion', 'channels'], 'model.lesion-channels');
  const count = lesion.channels ? info.shape[1] : unitsOf(info);
  if (Array.isArray(lesion.units) && typeof count === 'number') {
    lesion.units.forEach((u, i) => {
      if (u >= count) report(`Unit ${u} does not exist: \`${layer.source.tensor}\` has ${count} ${lesion.channels ? 'channels' : 'units'} per stimulus (0-based).`, ['model', 'lesion', 'units', i], 'model.lesion-units');
    });
  }
}

function checkInSilico(spec: Spec, tensorLayers: Representation[], stimuli: number | undefined, report: Report): void {
  const plan = spec.onnx?.inSilico;
  if (!plan) return;
  const at = ['model', 'in_silico'];
  if (!tensorLayers.some((l) => l.name === plan.layer)) {
    const suggestions = didYouMean(plan.layer, tensorLayers.map((l) => l.name));
    report(`No network layer is named \`${plan.layer}\`: in_silico needs a layer of \`model.layers\` with an \`output\` tensor.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, [...at, 'layer'], 'model.in-silico-layer');
  }
  const region = spec.regions.find((r) => r.name === plan.region);
  if (!region) {
    const suggestions = didYouMean(plan.region, spec.regions.map((r) => r.name));
    report(`No brain region is named \`${plan.region}\`.${suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : ''}`, [...at, 'region'], 'model.in-silico-region');
  } else if (region.source.kind === 'rdm' || region.source.subjects !== undefined || region.source.axes?.includes('subjects')) {
    report(`in_silico predicts a region's mean response: region \`${plan.region}\` must hold responses (stimuli × units) without subjects.`, [...at, 'region'], 'model.in-silico-region');
  }
  if (stimuli !== undefined && plan.folds > stimuli) report(`${plan.folds} folds need at least ${plan.folds} stimuli; there are ${stimuli}.`, [...at, 'folds'], 'model.in-silico-folds');
  if (spec.select) report('in_silico fits on every stimulus: remove `stimuli.select` or the in_silico block.', at, 'model.in-silico-select');
  const imagesPath = [...at, 'images'];
  if ('folder' in plan.images) {
    if (!existsSync(plan.images.folder) || !statSync(plan.images.folder).isDirectory()) report(`Image folder not found: \`${plan.images.written}\` (resolved to ${plan.images.folder}).`, imagesPath, 'data.missing-file');
    else if (imageFiles(plan.images).length === 0) report(`\`${plan.images.written}\` holds no .jpg, .jpeg or .png image.`, imagesPath, 'model.no-images');
  } else {
    plan.images.files.forEach((f, i) => {
      if (!isImageFile(f)) report(`\`${plan.images.written[i]}\` is not a .jpg, .jpeg or .png image.`, [...imagesPath, i], 'model.image-format');
      else if (!existsSync(f)) report(`File not found: \`${plan.images.written[i]}\` (resolved to ${f}).`, [...imagesPath, i], 'data.missing-file');
    });
  }
}
