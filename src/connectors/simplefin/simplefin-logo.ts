/** A small SVG for institution lists: SimpleFIN's initials on a green square (not SimpleFIN's own mark). */
export const simpleFinLogo =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img">' +
  '<rect width="64" height="64" rx="14" fill="#1b7f5f"/>' +
  '<text x="32" y="41" font-family="Arial,Helvetica,sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">SF</text>' +
  "</svg>";
