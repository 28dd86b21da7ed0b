namespace Sim.Learning.Progress;

/// <summary>Pearson's correlation of pairs (x, y) added one by one, from running sums in double; restarts on <see cref="Take"/>.</summary>
public sealed class RunningCorrelation
{
    long _n;
    double _x, _y, _xx, _yy, _xy;

    /// <summary>Pairs added since the last <see cref="Take"/>.</summary>
    public long Count => _n;

    /// <summary>Adds one pair.</summary>
    public void Add(double x, double y)
    {
        _n++;
        _x += x;
        _y += y;
        _xx += x * x;
        _yy += y * y;
        _xy += x * y;
    }

    /// <summary>The correlation of the pairs added since the last call (NaN with fewer than 2 pairs or a constant
    /// variable), and restarts the sums.</summary>
    public double Take()
    {
        double result = double.NaN;
        if (_n >= 2)
        {
            double cov = _xy - _x * _y / _n, vx = _xx - _x * _x / _n, vy = _yy - _y * _y / _n;
            if (vx > 0 && vy > 0) result = cov / Math.Sqrt(vx * vy);
        }
        _n = 0;
        _x = _y = _xx = _yy = _xy = 0;
        return result;
    }

    /// <summary>Writes the running sums.</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_n);
        foreach (double sum in new[] { _x, _y, _xx, _yy, _xy }) writer.Write(sum);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long n = reader.ReadInt64();
        if (n < 0) throw new InvalidDataException($"the correlation's pair count {n} is negative");
        _n = n;
        _x = reader.ReadDouble();
        _y = reader.ReadDouble();
        _xx = reader.ReadDouble();
        _yy = reader.ReadDouble();
        _xy = reader.ReadDouble();
    }
}
