import React from 'react';
export function Hello({ name }) {
  return <div className="hello">Hello, {name}! eval is not called here.</div>;
}
