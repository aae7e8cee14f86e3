import type { ImageGridOptions } from "../_dev_mod.ts";
Deno.test('models_plot_image_grid.ts_24', async () => {
const o: ImageGridOptions = { columns: 8, scale: 2, range: [0, 1] };

});
