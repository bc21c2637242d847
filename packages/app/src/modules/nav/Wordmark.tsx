import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  text: {
    fill: '#7df3e1',
    fontFamily: 'Helvetica, Arial, sans-serif',
    fontWeight: 700,
  },
});

/** Text drawn as SVG in the sidebar's logo slot, sized by its box. */
export const Wordmark = (props: {
  text: string;
  width: number;
  height: number;
}) => {
  const classes = useStyles();
  return (
    <svg
      style={{ width: 'auto', height: props.height }}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${props.width} ${props.height}`}
      role="img"
      aria-label="Driftless"
    >
      <text
        className={classes.text}
        x="2"
        y={props.height - 5}
        fontSize={props.height - 4}
      >
        {props.text}
      </text>
    </svg>
  );
};

/** The wordmark in the open sidebar. */
export const LogoFull = () => (
  <Wordmark text="Driftless" width={150} height={30} />
);

/** The mark in the collapsed sidebar. */
export const LogoIcon = () => <Wordmark text="D" width={28} height={28} />;
