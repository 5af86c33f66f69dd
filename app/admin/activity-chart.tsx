// The dashboard's chart: synced vs failed per day (@shopify/polaris-viz). The
// home page loads this module only in the browser (React.lazy after
// hydration): polaris-viz measures its container and animates, so a server
// render would be an empty box the client then replaces; the page shows a
// skeleton of the same size meanwhile.
import "@shopify/polaris-viz/build/esm/styles.css";
import { BarChart, PolarisVizProvider } from "@shopify/polaris-viz";

export interface ActivityPoint {
  /** Label shown on the x axis, e.g. "2 Mar". */
  label: string;
  synced: number;
  failed: number;
}

export default function ActivityChart({ points, height }: { points: ActivityPoint[]; height: number }) {
  const data = [
    { name: "Synced", color: "#29845a", data: points.map((p) => ({ key: p.label, value: p.synced })) },
    { name: "Failed", color: "#e51c00", data: points.map((p) => ({ key: p.label, value: p.failed })) },
  ];
  return (
    <PolarisVizProvider>
      <div style={{ height }} data-testid="activity-chart">
        <BarChart data={data} theme="Light" isAnimated={false} showLegend xAxisOptions={{ labelFormatter: (value) => String(value) }} emptyStateText="No sync activity in these 14 days" />
      </div>
    </PolarisVizProvider>
  );
}
