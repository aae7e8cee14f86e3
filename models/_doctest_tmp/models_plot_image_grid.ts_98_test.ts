import { imageGrid } from "../_dev_mod.ts";
import { array } from "@nnc/tensor";
import { decode } from "npm:fast-png@8.0.0";
Deno.test('models_plot_image_grid.ts_98', async () => {
const png = imageGrid(array([[[0, 1]], [[1, 0]]]), { padding: 1, range: [0, 1] });
const img = decode(png);
console.assert(img.width === 7 && img.height === 3 && img.data[8] === 0 && img.data[9] === 255);

});
