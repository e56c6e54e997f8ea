import {useEffect} from 'react';

// Names the browser tab after the page, so several open tabs stay tellable apart.
export function useTitle(title: string | undefined) {
  useEffect(() => {
    document.title = title ? `${title} · Incuera` : 'Incuera';
  }, [title]);
}
